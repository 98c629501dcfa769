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
	} {
		if got := clean(c.in); got != c.want {
			t.Errorf("clean(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
