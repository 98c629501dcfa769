package parse

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// clean is the one place where text is rid of what mail clients put in it
// without meaning, before any reading: carriage returns, and the
// invisible marks of invisible.
func clean(s string) string {
	if !needsClean(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	prev := rune(0)
	for i, r := range s {
		switch {
		case r == '\r':
			b.WriteByte('\n')
		case joiner(r) && joins(prev) && joins(nextRune(s, i+utf8.RuneLen(r))):
			b.WriteRune(r)
		case invisible(r):
		case r == trackingDot && !syllabic(prev) && !syllabic(nextRune(s, i+utf8.RuneLen(r))):
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

// needsClean reports whether s holds something that clean removes, at
// the cost of a byte comparison for each ASCII character.
func needsClean(s string) bool {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c == '\r' {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if invisible(r) || r == trackingDot {
			return true
		}
		i += n
	}
	return false
}

// invisible reports whether r is a mark that mail clients, trackers and
// mobile keyboards sprinkle into text without meaning: byte-order marks,
// zero-width spaces and joiners, direction marks and isolates, soft
// hyphens, the combining grapheme joiner of newsletter padding, and the
// Hangul fillers that pass for blanks.
func invisible(r rune) bool {
	if r < '\u00ad' {
		return false
	}
	switch r {
	case '\ufeff', '\u00ad', '\u034f', '\u061c', '\u115f', '\u1160', '\u17b4', '\u17b5', '\u180e',
		'\u3164', '\uffa0':
		return true
	}
	return '\u200b' <= r && r <= '\u200f' || '\u202a' <= r && r <= '\u202e' || '\u2060' <= r && r <= '\u2064' ||
		'\u2066' <= r && r <= '\u2069'
}

// joiner reports whether r is the zero-width non-joiner or joiner, which
// Persian, the Indic scripts and emoji sequences write on purpose between
// two of their characters ("می‌کند", "👩‍💻"): clean keeps them there and
// drops them elsewhere, where they are as meaningless as the other
// invisible marks.
func joiner(r rune) bool {
	return r == '\u200c' || r == '\u200d'
}

// joins reports whether r is a character that a joiner may stand next to
// on purpose: a letter, mark or symbol outside ASCII.
func joins(r rune) bool {
	return r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsSymbol(r))
}

// trackingDot is the Canadian syllabics final middle dot, which read
// trackers add to Gmail mail as an invisible-looking mark; it is dropped
// unless it stands in syllabic text.
const trackingDot = '\u1427'

func syllabic(r rune) bool {
	return '\u1400' <= r && r <= '\u167f'
}

func nextRune(s string, i int) rune {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}
