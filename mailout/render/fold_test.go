package render

import (
	htmltemplate "html/template"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	texttemplate "text/template"
	tparse "text/template/parse"
)

// TestFoldKeepsOutput executes templates with and without their constant
// calls folded, in text and in HTML, where one call sits in an attribute
// and one fails: the output is the same, the calls that can be folded
// are, and the one in a range becomes a memo call.
func TestFoldKeepsOutput(t *testing.T) {
	const src = `{{define "sign"}}Desk & co{{end}}` +
		`{{define "label"}}{{if eq . "title"}}Title <b>{{else}}{{.}}{{end}}{{end}}` +
		`{{define "fails"}}{{index . 3}}{{end}}` +
		`{{define "main"}}<p title="{{template "label" "x\"y"}}">{{template "sign"}} {{template "label" "title"}}` +
		`{{range .}}[{{template "label" .}}]{{if .}}{{template "label" "other"}}{{end}}{{end}}</p>{{end}}` +
		`{{define "broken"}}{{template "fails" "ab"}}{{end}}`
	data := []string{"title", "", "<i>"}
	for _, html := range []bool{false, true} {
		run := func(fold bool) (string, int) {
			var (
				b     strings.Builder
				err   error
				trees = map[string]*tparse.Tree{}
				exec  func(io.Writer, string, any) error
				m     = &memo{}
			)
			if html {
				tm := htmltemplate.Must(htmltemplate.New("t").Funcs(m.funcs()).Parse(src))
				tm.ExecuteTemplate(io.Discard, "main", nil) // escapes
				tm.ExecuteTemplate(io.Discard, "broken", nil)
				for _, x := range tm.Templates() {
					trees[x.Name()] = x.Tree
				}
				exec = tm.ExecuteTemplate
			} else {
				tm := texttemplate.Must(texttemplate.New("t").Funcs(m.funcs()).Parse(src))
				for _, x := range tm.Templates() {
					trees[x.Name()] = x.Tree
				}
				exec = tm.ExecuteTemplate
			}
			m.exec = exec
			if fold {
				f := folder{trees: trees, memo: m}
				f.fold("main")
				f.fold("broken")
			}
			err = exec(&b, "main", data)
			if err != nil {
				t.Fatal(err)
			}
			if exec(io.Discard, "broken", nil) == nil {
				t.Errorf("html %v, folded %v: a failing call does not fail", html, fold)
			}
			return b.String(), calls(trees["main"].Root)
		}
		want, before := run(false)
		got, after := run(true)
		if got != want {
			t.Errorf("html %v: folded templates write\n%s\nwant\n%s", html, got, want)
		}
		// In HTML, the call in an attribute is one of a template escaped
		// for that context, and stays.
		left := 0
		if html {
			left = 1
		}
		if before != 5 || after != left {
			t.Errorf("html %v: %d template calls left of %d, want %d of 5", html, after, before, left)
		}
	}
}

// calls counts the template calls under n.
func calls(n tparse.Node) int {
	c := 0
	switch n := n.(type) {
	case *tparse.ListNode:
		if n != nil {
			for _, x := range n.Nodes {
				c += calls(x)
			}
		}
	case *tparse.TemplateNode:
		c = 1
	default:
		for _, b := range branches(n) {
			c += calls(b)
		}
	}
	return c
}

// TestMemoKeepsOutput executes templates with and without their calls
// made memo calls, in text and in HTML: words, lists of words and other
// arguments write the same, escaped the same in HTML, a failing call
// still fails, a call with the whole data stays, and no more than
// memoLimit texts are kept per template.
func TestMemoKeepsOutput(t *testing.T) {
	const src = `{{define "w"}}<{{.}}>{{end}}` +
		`{{define "list"}}{{range .}}[{{.}}]{{end}}{{end}}` +
		`{{define "field"}}{{.Name}}{{end}}` +
		`{{define "item"}}{{.Item.Name}}{{end}}` +
		`{{define "fails"}}{{index . 9}}{{end}}` +
		`{{define "main"}}<p>{{range .Words}}{{template "w" .}}{{template "w" (printf "%s!" .)}}{{end}}` +
		`{{template "list" .Words}}{{template "field" .Item}}{{template "item" .}}</p>{{end}}` +
		`{{define "broken"}}{{template "fails" .Words}}{{end}}`
	type item struct{ Name string }
	data := struct {
		Words []string
		Item  item
	}{[]string{"a", "b&c", "a", "<i>"}, item{"x<y"}}
	for _, html := range []bool{false, true} {
		run := func(memoize bool) (string, *memo) {
			m := &memo{}
			var exec func(io.Writer, string, any) error
			trees := map[string]*tparse.Tree{}
			if html {
				tm := htmltemplate.Must(htmltemplate.New("t").Funcs(m.funcs()).Parse(src))
				tm.ExecuteTemplate(io.Discard, "main", data) // escapes
				for _, x := range tm.Templates() {
					trees[x.Name()] = x.Tree
				}
				exec = tm.ExecuteTemplate
			} else {
				tm := texttemplate.Must(texttemplate.New("t").Funcs(m.funcs()).Parse(src))
				for _, x := range tm.Templates() {
					trees[x.Name()] = x.Tree
				}
				exec = tm.ExecuteTemplate
			}
			m.exec = exec
			if memoize {
				f := folder{trees: trees, memo: m}
				f.fold("main")
				f.fold("broken")
				// A call with the data itself, ".", stays.
				if n := calls(trees["main"].Root); n != 1 {
					t.Errorf("html %v: %d template calls left in main, want 1", html, n)
				}
			}
			var b strings.Builder
			for range 2 { // the second time from the memo
				b.Reset()
				if err := exec(&b, "main", data); err != nil {
					t.Fatal(err)
				}
			}
			if exec(io.Discard, "broken", data) == nil {
				t.Errorf("html %v, memo %v: a failing call does not fail", html, memoize)
			}
			return b.String(), m
		}
		want, _ := run(false)
		got, m := run(true)
		if got != want {
			t.Errorf("html %v: memo calls write\n%s\nwant\n%s", html, got, want)
		}
		if kept := len(m.texts); kept != 7 { // w: a, b&c, <i>, a!, b&c!, <i>!; list once; neither field nor the failing call
			t.Errorf("html %v: %d texts kept, want 7", html, kept)
		}
	}
	m := &memo{exec: func(w io.Writer, _ string, arg any) error { _, err := io.WriteString(w, arg.(string)); return err }}
	for i := range 2 * memoLimit {
		if got, err := m.call("w", reflect.ValueOf(strconv.Itoa(i))); err != nil || got != strconv.Itoa(i) {
			t.Fatalf("call %d: %q, %v", i, got, err)
		}
	}
	if kept := len(m.texts); kept != memoLimit {
		t.Errorf("%d texts kept of one template, want %d", kept, memoLimit)
	}
}
