package parse

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// quoteHeader reports whether a quote header ("On Mon, 2 Jan 2024 at 10:00,
// Ann <ann@example.com> wrote:", "El lun, 2 ene 2024 a las 10:00, Ann
// escribió:", "Ann <ann@example.com> schrieb am Mo., 2. Jan. 2024 um
// 10:00:", "2024年1月2日(火) 10:00 Ann <ann@example.com>:") starts at line
// i, over at most four lines as clients wrap it. It returns how many lines
// it takes, 0 when there is none, and whether it is strong: with a date or
// an address, so that it ends the new text even when no quoted line
// follows.
//
// Where the words are unknown, the shape tells: a line with an address
// that ends in a colon or in the address itself, followed by quoted lines,
// is a weak header; so is a known header that lost its colon.
func quoteHeader(lines, folded []string, i int) (n int, strong bool) {
	first := folded[i]
	if first == "" || quoted(lines[i]) {
		return 0, false
	}
	multi := hasPrefixAny(first, replyWords.leads) || hasDigit(first) ||
		strings.ContainsAny(first, "<@(")
	joined := first
	for n = 1; n <= 4 && i+n-1 < len(lines); n++ {
		if n > 1 {
			next := folded[i+n-1]
			if !multi || next == "" || quoted(lines[i+n-1]) || len(joined) > 400 || sentenceEnd(joined) {
				break
			}
			joined += " " + next
		}
		if ok, s := headerText(joined); ok {
			return n, s
		}
		if quoteFollows(lines, folded, i+n) && headerShape(joined) {
			return n, false
		}
	}
	return 0, false
}

// headerText reads one folded, joined quote header candidate that ends in
// a colon.
func headerText(s string) (ok, strong bool) {
	body, found := strings.CutSuffix(s, ":")
	if !found || len(s) > 500 {
		return false, false
	}
	body = strings.TrimSpace(body)
	dated := hasDigit(body)
	addressed := hasAddress(body)
	if endsWithVerb(body) {
		return true, dated || addressed
	}
	if strings.HasSuffix(strings.TrimRight(body, ")"), ">") && dated && addressed {
		return true, true
	}
	if dated && (hasAny(body, replyWords.midVerbs) ||
		hasPrefixAny(body, replyWords.leads) && hasAny(body, replyWords.verbs)) {
		return true, true // "Ann schrieb am <date>:", "Op <date> schreef Ann:"
	}
	return false, false
}

// sentenceEnd reports whether s ends like a sentence, which a client
// never wraps a quote header after: a word of five letters or more and a
// full stop, or '!' or '?'.
func sentenceEnd(s string) bool {
	if strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return true
	}
	word, found := strings.CutSuffix(s[strings.LastIndexByte(s, ' ')+1:], ".")
	return found && utf8.RuneCountInString(word) >= 5 && !hasDigit(word)
}

// headerShape reads a candidate followed by quoted lines: a known header
// without its colon, an address then a colon or nothing, or a date and a
// time then a colon in words the trimmer does not know ("O 2025-12-04
// 10:12, Ann escribiu:", as Roundcube writes a sender without an address).
func headerShape(s string) bool {
	body := strings.TrimSpace(strings.TrimSuffix(s, ":"))
	if endsWithVerb(body) && (hasDigit(body) || hasAddress(body)) {
		return true
	}
	if strings.HasSuffix(s, ":") && len(body) <= 200 && dateStamp(body) {
		return true
	}
	if !hasAddress(body) || len(body) > 300 {
		return false
	}
	if strings.HasSuffix(s, ":") {
		return true
	}
	last := body[strings.LastIndexByte(body, ' ')+1:]
	return hasAddress(last)
}

func endsWithVerb(body string) bool {
	for _, v := range replyWords.verbs {
		if strings.HasSuffix(body, v) {
			return true
		}
	}
	return false
}

// quoteFollows reports whether the next non-blank line from i is quoted.
func quoteFollows(lines, folded []string, i int) bool {
	for i < len(lines) && folded[i] == "" {
		i++
	}
	return i < len(lines) && quoted(lines[i])
}

// hasAddress reports whether s holds something like an e-mail address: an
// '@' with a word before it and a dot after it.
func hasAddress(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && s[at-1] != ' ' && strings.Contains(s[at+1:], ".")
}

// dateStamp reports whether s holds a date and a time as quote headers
// write them: a time "10:12" and either a year of four digits or a date
// in figures ("04.12.25", "12/4/25"), in any script's digits. A sentence
// that merely names an hour ("the log at 10:12 says:") has no year.
func dateStamp(s string) bool {
	var runs []int  // the lengths of the runs of digits
	var seps []rune // the character after each run
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
			continue
		}
		if n > 0 {
			runs, seps = append(runs, n), append(seps, r)
			n = 0
		}
	}
	if n > 0 {
		runs, seps = append(runs, n), append(seps, 0)
	}
	timed, year, figures := false, false, false
	for k, l := range runs {
		year = year || l == 4
		if k+1 < len(runs) {
			timed = timed || l <= 2 && seps[k] == ':' && runs[k+1] == 2
			figures = figures || k+2 < len(runs) && strings.ContainsRune("./-", seps[k]) && seps[k+1] == seps[k] &&
				l <= 4 && runs[k+1] <= 2 && runs[k+2] >= 2 && runs[k+2] <= 4
		}
	}
	return timed && (year || figures)
}
