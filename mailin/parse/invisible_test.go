package parse

import "testing"

func TestClean(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a\r\nb\rc", "a\nb\nc"},
		{"\ufeffre\u00adtry\u200b", "retry"},
		{"\u2067Ann\u2069 <\u2066ann@example.com\u2069>", "Ann <ann@example.com>"},
		{"done\n\u1427\n", "done\n\n"},
		{"ᑕᐧᐊ", "ᑕᐧᐊ"}, // the dot inside syllabic text is a letter
		{"\u3164\n\u034f \u034f", "\n "},
		{"می\u200cکند", "می\u200cکند"},                               // Persian writes the non-joiner between letters
		{"\U0001F469\u200d\U0001F4BB", "\U0001F469\u200d\U0001F4BB"}, // an emoji sequence
		{"Ann\u200d Lee\u200c", "Ann Lee"},                           // not between two such characters
		{"a\u200cb", "ab"},                                           // nor between ASCII letters
	} {
		if got := clean(c.in); got != c.want {
			t.Errorf("clean(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
