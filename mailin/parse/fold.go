package parse

import (
	"strings"
	"unicode"

	"incidentd/workflow"
)

// fold prepares a line for comparison with the word lists of lang.go:
// upper case, no accents (workflow.Fold plus the letters of the Nordic,
// Slavic and other languages it does not cover), no invisible marks, and
// spaces collapsed.
func fold(s string) string {
	if ascii(s) {
		return foldASCII(s)
	}
	return strings.Join(strings.Fields(workflow.Fold(moreAccents.Replace(s))), " ")
}

// foldASCII is fold of an ASCII line, in one pass.
func foldASCII(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case ' ', '\t', '\n', '\v', '\f', '\r':
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

var moreAccents = strings.NewReplacer(
	"å", "a", "Å", "A", "æ", "ae", "Æ", "AE", "ø", "o", "Ø", "O", "ã", "a", "Ã", "A", "õ", "o", "Õ", "O",
	"ł", "l", "Ł", "L", "ś", "s", "Ś", "S", "ć", "c", "Ć", "C", "ż", "z", "Ż", "Z", "ź", "z", "Ź", "Z",
	"ę", "e", "Ę", "E", "ą", "a", "Ą", "A", "ń", "n", "Ń", "N", "ň", "n", "ř", "r", "Ř", "R", "ů", "u",
	"ě", "e", "Ě", "E", "č", "c", "Č", "C", "š", "s", "Š", "S", "ž", "z", "Ž", "Z", "ý", "y", "Ý", "Y",
	"ť", "t", "ď", "d", "ő", "o", "ű", "u", "ş", "s", "Ş", "S", "ğ", "g", "ı", "i", "İ", "I", "ß", "SS",
	"：", ":", "\u00a0", " ", "\u200c", "", "\u200d", "",
)

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// hasAny reports whether s contains one of words.
func hasAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// hasPrefixAny reports whether s starts with one of words.
func hasPrefixAny(s string, words []string) bool {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// hasSuffixAny reports whether s ends with one of words.
func hasSuffixAny(s string, words []string) bool {
	for _, w := range words {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

// hasDigit reports whether s holds a decimal digit.
func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}
