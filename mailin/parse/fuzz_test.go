package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, returns a message whenever it
// returns no error, and hands back valid UTF-8 text. Seeds: the golden
// .eml files and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	for _, file := range files {
		if raw, err := os.ReadFile(file); err == nil {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		if err != nil {
			return
		}
		if m == nil {
			t.Fatal("nil message without error")
		}
		for _, s := range []string{m.Text, m.NewText, m.Subject} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8: %q", s)
			}
		}
	})
}

// FuzzNewText checks that the trimmer never panics and never keeps a
// quoted line.
func FuzzNewText(f *testing.F) {
	f.Add("ACCEPT\n\nOn Mon, Ann <ann@example.com> wrote:\n> x")
	f.Add("> a\nb\n> c\n\n-- \nsig")
	f.Fuzz(func(t *testing.T, body string) {
		out := NewText(body)
		for _, l := range strings.Split(out, "\n") {
			if quoted(l) {
				t.Fatalf("NewText(%q) kept the quoted line %q", body, l)
			}
		}
		if utf8.ValidString(body) && !utf8.ValidString(out) {
			t.Fatalf("NewText made invalid UTF-8 of %q", body)
		}
	})
}
