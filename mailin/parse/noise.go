package parse

import (
	"strings"
	"unicode"
)

// leadingHistory returns where the new text resumes when the history
// starts at line i (a separator or a header block) before anything was
// written: the block is skipped when quoted lines follow it, as in a
// bottom-posted answer under Outlook's header block ("**Von:** …
// **Gesendet:** …" from converted HTML). Otherwise it returns i.
func (t *trimmer) leadingHistory(i int) int {
	for _, l := range t.keep {
		if strings.TrimSpace(l) != "" {
			return i
		}
	}
	j := i + 1
	for j < len(t.lines) && j <= i+12 && t.folded[j] != "" {
		j++
	}
	if !quoteFollows(t.lines, t.folded, j) {
		return i
	}
	return j
}

// footerLines is how many lines a mailing list's footer may take.
const footerLines = 8

// listFooter reports whether a mailing list's footer starts at line i and
// runs to the end: a rule or a Google Groups opening, then a few lines that
// name a list page or how to unsubscribe, and nothing quoted.
func (t *trimmer) listFooter(i int) bool {
	f := t.folded[i]
	rule := len(f) >= 10 && strings.Trim(f, "_-=") == ""
	if !rule && !hasPrefixAny(f, listFooterOpenings) {
		return false
	}
	marked, n := false, 0
	for j := i; j < len(t.lines); j++ {
		if t.folded[j] == "" {
			continue
		}
		if n++; n > footerLines || quoted(t.lines[j]) {
			return false
		}
		marked = marked || hasAny(t.folded[j], listFooterMarks)
	}
	return marked
}

// withoutDashSignoff drops from lines a closing "-Bob" or "— Ann Lee"
// line after some text, unless the lines before it are a dashed list too.
func withoutDashSignoff(lines []string) []string {
	k := len(lines) - 1
	for k >= 0 && strings.TrimSpace(lines[k]) == "" {
		k--
	}
	if k < 1 || !dashName(lines[k]) {
		return lines
	}
	p := k - 1
	for p >= 0 && strings.TrimSpace(lines[p]) == "" {
		p--
	}
	if p < 0 || strings.HasPrefix(strings.TrimSpace(lines[p]), "-") {
		return lines
	}
	return lines[:k]
}

// dashName reports whether line is a dash and a short name: "-Bob",
// "- Ann Lee", "—J.".
func dashName(line string) bool {
	s := strings.TrimSpace(line)
	s, found := strings.CutPrefix(s, "-")
	if !found {
		if s, found = strings.CutPrefix(s, "—"); !found {
			s, found = strings.CutPrefix(s, "–")
		}
	}
	words := strings.Fields(s)
	if !found || len(words) == 0 || len(words) > 3 || len([]rune(s)) > 30 {
		return false
	}
	for _, w := range words {
		for k, r := range w {
			if k == 0 && !unicode.IsUpper(r) || !unicode.IsLetter(r) && !strings.ContainsRune(".'-", r) {
				return false
			}
		}
	}
	return true
}
