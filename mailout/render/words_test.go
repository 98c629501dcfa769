package render

import (
	htmltemplate "html/template"
	"reflect"
	"strings"
	"testing"
	texttemplate "text/template"
)

// TestWordListsKeepTheirOutput runs word lists of every shape, as written
// and rewritten, in text and HTML, for words found and not found.
func TestWordListsKeepTheirOutput(t *testing.T) {
	const src = `{{define "dot"}}{{if eq . "a"}}A{{else if eq . "b"}}B{{else}}{{.}}{{end}}{{end}}` +
		`{{define "text"}}{{if eq . "a"}}A{{else if eq . "a"}}twice{{else if eq . "b"}}B{{else}}other{{end}}{{end}}` +
		`{{define "none"}}x{{if eq . "a"}}A{{else if eq . "b"}}B{{end}}y{{end}}` +
		`{{define "rest"}}{{if eq . "a"}}A{{else if eq . "b"}}B{{else if .}}<{{.}}>{{end}}{{end}}` +
		`{{define "escaped"}}{{if eq . "a"}}A&amp;{{else if eq . "b"}}B{{else}}{{.}}{{end}}{{end}}` +
		`{{define "main"}}{{range .}}[{{template "dot" .}}|{{template "text" .}}|{{template "none" .}}|{{template "rest" .}}|{{template "escaped" .}}]{{end}}{{end}}`
	data := []any{"a", "b", "c&<", ""}
	for _, html := range []bool{false, true} {
		run := func(rewrite bool) string {
			l := &lookups{html: html}
			var b strings.Builder
			var err error
			if html {
				tm := htmltemplate.Must(htmltemplate.New("t").Funcs(l.funcs()).Parse(src))
				if rewrite {
					for _, x := range tm.Templates() {
						l.rewrite(x.Tree.Root)
					}
				}
				err = tm.ExecuteTemplate(&b, "main", data)
			} else {
				tm := texttemplate.Must(texttemplate.New("t").Funcs(l.funcs()).Parse(src))
				if rewrite {
					for _, x := range tm.Templates() {
						l.rewrite(x.Root)
					}
				}
				err = tm.ExecuteTemplate(&b, "main", data)
			}
			if err != nil {
				t.Fatal(err)
			}
			if rewrite && len(l.tables) < 4 {
				t.Errorf("html %v: %d lists rewritten, want at least 4", html, len(l.tables))
			}
			return b.String()
		}
		if want, got := run(false), run(true); got != want {
			t.Errorf("html %v: rewritten lists write\n%s\nwant\n%s", html, got, want)
		}
	}
	l := &lookups{tables: []lookup{{words: map[string]string{"a": "A"}}}}
	if _, err := l.word(0, reflect.ValueOf(7)); err == nil {
		t.Error("a number looked up as a word: no error, want one as eq gives")
	}
}
