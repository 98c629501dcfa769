package parse

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NewText returns the new text of a reply written as plain text: what its
// author wrote, without the quoted history, the quote headers that
// introduce it ("On … wrote:", Outlook's From:/Sent:/To:/Subject: block,
// "-----Original Message-----", forwarded-message separators in many
// languages) and signatures ("-- ", "Sent from my iPhone", …).
//
// Top-posted replies keep what comes before the history. Bottom-posted
// and interleaved replies keep every unquoted line and drop the quoted
// ones. A quote header not followed by '>' lines (Apple Mail, Outlook)
// ends the new text. A line that merely looks like a header ("Ann
// wrote:", with no date or address) counts only when quoted lines follow.
//
// The cost is linear in the size of body: each line is looked at with a
// bounded window of the lines after it.
func NewText(body string) string {
	lines := strings.Split(clean(body), "\n")
	t := trimmer{lines: lines, folded: make([]string, len(lines))}
	for i, l := range lines {
		t.folded[i] = fold(head(l, 400))
	}
	return t.run()
}

type trimmer struct {
	lines  []string
	folded []string // lines folded, cut to their first 400 bytes
	keep   []string
}

func (t *trimmer) run() string {
	i := t.skipBanner()
	inSignature := false
	for i < len(t.lines) {
		line := t.lines[i]
		if t.hardStop(i) {
			if end := t.leadingHistory(i); end > i {
				i = end
				continue
			}
			break
		}
		if t.listFooter(i) {
			break
		}
		if n, strong := quoteHeader(t.lines, t.folded, i); n > 0 {
			next := t.nextNonBlank(i + n)
			if next < len(t.lines) && quoted(t.lines[next]) {
				i += n
				continue
			}
			if strong {
				break
			}
		}
		if quoted(line) {
			inSignature = false
			i = t.skipQuote(i)
			if n := len(t.keep); n == 0 || strings.TrimSpace(t.keep[n-1]) == "" {
				i = t.nextNonBlank(i) // one blank line is enough where a quote was
			}
			continue
		}
		if t.signature(i) {
			inSignature = true
		}
		if !inSignature && !imageLine(t.folded[i]) {
			t.keep = append(t.keep, line)
		}
		i++
	}
	return trimBlank(withoutDashSignoff(t.keep))
}

// hardStop reports whether the history starts at line i in a way that
// ends the new text: a separator line or a header block.
func (t *trimmer) hardStop(i int) bool {
	f := t.folded[i]
	if separator(f) {
		return true
	}
	if strings.Trim(f, "_") == "" && len(f) >= 10 {
		next := t.nextNonBlank(i + 1)
		return next < len(t.lines) && (headerBlock(t.lines, next) || labelledBlock(t.lines, next))
	}
	if ruledTitle(f) { // "---------- Пересланий лист ---------", in any language
		next := t.nextNonBlank(i + 1)
		return next < len(t.lines) && headerBlock(t.lines, next)
	}
	return headerBlock(t.lines, i)
}

// ruledTitle reports whether f is words between two rules of three or
// more dashes or equals signs, as forward and original-message separators
// are drawn.
func ruledTitle(f string) bool {
	for _, r := range []string{"---", "==="} {
		if strings.HasPrefix(f, r) && strings.HasSuffix(f, r) {
			title := strings.Trim(f, r[:1]+" ")
			return strings.IndexFunc(title, unicode.IsLetter) >= 0
		}
	}
	return false
}

// skipQuote skips the quoted lines from i, with the unquoted lines that
// a client wrapped inside the quote, and returns the index after them.
// Wrapped lines follow a long quoted line, with no blank line between them
// and the quoted lines on both sides; after a short quoted line they are
// an answer written between two quoted lines.
func (t *trimmer) skipQuote(i int) int {
	for i < len(t.lines) {
		if quoted(t.lines[i]) {
			i++
			continue
		}
		j := i
		for j < len(t.lines) && t.folded[j] != "" && !quoted(t.lines[j]) {
			j++
		}
		if j == i || j >= len(t.lines) || !quoted(t.lines[j]) || len(strings.TrimSpace(t.lines[i-1])) < wrapWidth {
			return i
		}
		i = j
	}
	return i
}

// wrapWidth is the shortest quoted line that a client may have wrapped:
// clients wrap at 72 to 78 characters, less the quote marks.
const wrapWidth = 60

func (t *trimmer) nextNonBlank(i int) int {
	for i < len(t.lines) && t.folded[i] == "" {
		i++
	}
	return i
}

// skipBanner skips a warning that a gateway put above the text ("CAUTION:
// This email originated from outside of the organization …").
func (t *trimmer) skipBanner() int {
	i := t.nextNonBlank(0)
	if i >= len(t.lines) {
		return i
	}
	f := t.folded[i]
	if !hasPrefixAny(f, []string{"CAUTION", "[EXTERNAL]", "EXTERNAL", "WARNING", "ATTENTION", "PRECAUCION", "[EXTERNO]", "AVISO", "ACHTUNG"}) ||
		!hasAny(f, []string{"OUTSIDE", "EXTERNAL", "EXTERNO", "FUERA", "EXTERN"}) {
		return 0
	}
	for i < len(t.lines) && t.folded[i] != "" {
		i++
	}
	return i
}

// signature reports whether an unquoted signature starts at line i: the
// "-- " delimiter, or a short mobile or webmail line such as "Sent from
// my iPhone" or "Enviado desde mi Android".
func (t *trimmer) signature(i int) bool {
	raw := strings.TrimRight(t.lines[i], " \t")
	if raw == "--" || raw == "—" || strings.TrimSpace(t.lines[i]) == "--" {
		return true
	}
	f := t.folded[i]
	if len(f) > 80 || !hasPrefixAny(f, replyWords.sentFrom) && !(hasSuffixAny(f, replyWords.sentFromEnd) && hasAny(f, deviceWords)) {
		return false
	}
	return !strings.HasSuffix(f, ".") && !strings.HasSuffix(f, ",") && !strings.HasSuffix(f, ":")
}

// imageLine reports whether a folded line holds nothing but the
// placeholders that clients write in a plain-text part for inline images,
// a signature's logo most often: Gmail's "[image: logo.png]" in its
// languages, Outlook's "[cid:image001.png@01DB…]". The images themselves
// are the mail's attachments.
func imageLine(f string) bool {
	if !strings.HasPrefix(f, "[") {
		return false
	}
	for f != "" {
		end := strings.IndexByte(f, ']')
		if !strings.HasPrefix(f, "[") || end < 0 || !hasPrefixAny(f[1:end], imageWords) {
			return false
		}
		f = strings.TrimSpace(f[end+1:])
	}
	return true
}

// closingLines is how many lines (a name, a title, a telephone) may
// follow a closing formula in a sign-off.
const closingLines = 4

// WithoutSignoff cuts from the new text of a reply a sign-off written
// without the "-- " delimiter: a closing formula on a line of its own
// ("Saludos,", "Best regards") after some text, followed by at most
// closingLines short lines (a name, a title) and nothing else. NewText
// keeps it, as part of what the person wrote; a command's argument and a
// report's fields are read without it.
func WithoutSignoff(text string) string {
	lines := strings.Split(text, "\n")
	end := len(lines)
	for end > 0 && strings.TrimSpace(lines[end-1]) == "" {
		end--
	}
	for i := end - 1; i > 0 && end-i <= closingLines+1; i-- {
		f := fold(strings.TrimSpace(lines[i]))
		if f == "" || len(f) > 60 {
			break
		}
		if closings[strings.TrimRight(f, " ,.!")] && strings.TrimSpace(strings.Join(lines[:i], "")) != "" {
			return trimBlank(lines[:i])
		}
	}
	return text
}

// quoted reports whether line is part of a quote: "> …", or the
// "Name> …" style of some old clients.
func quoted(line string) bool {
	s := strings.TrimLeft(line, " \t")
	if strings.HasPrefix(s, ">") {
		return true
	}
	gt := strings.IndexByte(s, '>')
	if gt <= 0 || gt > 20 || (len(s) > gt+1 && s[gt+1] != ' ' && s[gt+1] != '\t') {
		return false
	}
	return strings.IndexFunc(s[:gt], func(r rune) bool { return !unicode.IsLetter(r) && r != '_' }) < 0
}

// separator reports whether a folded line separates the new text from the
// history: "-----Original Message-----", "---------- Forwarded message
// ---------", "Begin forwarded message:", in the languages of lang.go.
func separator(f string) bool {
	ruled := strings.HasPrefix(f, "--") || strings.HasPrefix(f, "__") || strings.HasPrefix(f, "==")
	if !ruled && (len(f) > 60 || !strings.HasSuffix(f, ":")) {
		return false
	}
	words := hasAny(f, replyWords.original) || hasAny(f, forwardWords)
	if !words {
		return false
	}
	return true
}

// head returns s cut to at most n bytes, on a rune boundary.
func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// trimBlank joins lines, without the blank lines at both ends, the rules
// ("____", "-----") left at the end and the trailing spaces of the text.
func trimBlank(lines []string) string {
	start, end := 0, len(lines)
	for start < end && strings.TrimSpace(lines[start]) == "" {
		start++
	}
	for end > start && strings.Trim(lines[end-1], " \t_-=*~") == "" {
		end--
	}
	return strings.TrimRight(strings.Join(lines[start:end], "\n"), " \t")
}
