package parse

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, returns a message whenever it
// returns no error, hands back valid UTF-8 text, and reads a mail as
// ParseStream does. Seeds: the golden .eml files, those of
// testdata/unseen-files and testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.eml")
	unseen, _ := filepath.Glob("testdata/unseen-files/*.eml")
	for _, file := range append(files, unseen...) {
		if raw, err := os.ReadFile(file); err == nil {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Parse(raw)
		streamed, streamErr := parseStreamed(raw)
		if (err == nil) != (streamErr == nil) || (err == nil && !reflect.DeepEqual(m, streamed)) {
			t.Fatalf("ParseStream differs from Parse:\n%+v, %v\n%+v, %v", streamed, streamErr, m, err)
		}
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

// parseStreamed is ParseStream with a Keeper that puts each attachment's
// content back in Data.
func parseStreamed(raw []byte) (*Message, error) {
	var data [][]byte
	m, err := ParseStream(bytes.NewReader(raw), func(_ Attachment, content io.Reader) (int64, error) {
		b, err := io.ReadAll(content)
		data = append(data, b)
		return int64(len(b)), err
	})
	if err != nil {
		return nil, err
	}
	for i := range m.Attachments {
		m.Attachments[i].Data = data[i]
	}
	return m, nil
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
