package render

import (
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	texttemplate "text/template"
	tparse "text/template/parse"

	"incidentd/templates"
	"incidentd/workflow"
)

// noticeTemplates are the two templates of one notice kind.
type noticeTemplates struct {
	text *texttemplate.Template // defines "subject"; executes to the text body
	html *htmltemplate.Template
}

// source reads template files: from dir when it holds the file, else
// from the embedded templates.
type source struct{ dir string }

// read returns the file's text and where it came from, for errors.
func (s source) read(name string) (text, origin string, err error) {
	if s.dir != "" {
		path := filepath.Join(s.dir, name)
		b, err := os.ReadFile(path)
		if err == nil {
			return string(b), path, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", path, fmt.Errorf("read template: %w", err)
		}
	}
	b, err := fs.ReadFile(templates.FS, name)
	if err != nil {
		return "", name, fmt.Errorf("read embedded template %s: %w", name, err)
	}
	return string(b), "embedded " + name, nil
}

// loadTemplates parses the templates of every notice kind in lang, with
// the functions that read form: each
// <kind>.<lang>.txt and .html of the embedded set, with the shared
// words.<lang>.tmpl and common.<lang>.txt or common.html.
func loadTemplates(lang, dir string, form workflow.Form) (map[workflow.NoticeKind]noticeTemplates, error) {
	names, err := fs.Glob(templates.FS, "*."+lang+".txt")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	src := source{dir}
	words := "words." + lang + ".tmpl"
	out := make(map[workflow.NoticeKind]noticeTemplates)
	for _, name := range names {
		kind := workflow.NoticeKind(strings.TrimSuffix(name, "."+lang+".txt"))
		if kind == "common" {
			continue
		}
		var nt noticeTemplates
		textWords, htmlWords := &lookups{}, &lookups{html: true}
		textMemo, htmlMemo := &memo{}, &memo{}
		nt.text = texttemplate.New(name).Funcs(funcs(lang)).Funcs(formFuncs(lang, form)).Funcs(textWords.funcs()).Funcs(textMemo.funcs())
		if err := parseAll(src, nt.text, words, "common."+lang+".txt", name); err != nil {
			return nil, err
		}
		textTrees := map[string]*tparse.Tree{}
		for _, t := range nt.text.Templates() {
			textWords.rewrite(t.Root)
			textTrees[t.Name()] = t.Tree
		}
		if nt.text.Lookup("subject") == nil {
			_, origin, _ := src.read(name)
			return nil, fmt.Errorf("template %s: no {{define \"subject\"}}", origin)
		}
		textMemo.exec = nt.text.ExecuteTemplate
		textFolder := folder{trees: textTrees, memo: textMemo}
		textFolder.fold(name)
		textFolder.fold("subject")
		htmlName := string(kind) + "." + lang + ".html"
		nt.html = htmltemplate.New(htmlName).Funcs(funcs(lang)).Funcs(formFuncs(lang, form)).Funcs(htmlWords.funcs()).Funcs(htmlMemo.funcs())
		if err := parseAll(src, nt.html, words, "common.html", htmlName); err != nil {
			return nil, err
		}
		htmlTrees := map[string]*tparse.Tree{} // escaping rewrites them in place
		for _, t := range nt.html.Templates() {
			if t.Tree != nil {
				htmlWords.rewrite(t.Tree.Root)
				htmlTrees[t.Name()] = t.Tree
			}
		}
		// Escaping happens on the first execution, whatever its outcome;
		// only a template that cannot be escaped is an error here.
		var escapeErr *htmltemplate.Error
		if err := nt.html.Execute(io.Discard, View{}); errors.As(err, &escapeErr) {
			_, origin, _ := src.read(htmlName)
			return nil, fmt.Errorf("template %s: %w", origin, err)
		}
		htmlMemo.exec = nt.html.ExecuteTemplate
		htmlFolder := folder{trees: htmlTrees, memo: htmlMemo}
		htmlFolder.fold(htmlName)
		out[kind] = nt
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no templates for language %q", lang)
	}
	return out, nil
}

// parser is what text/template and html/template have in common.
type parser[T any] interface {
	New(name string) T
	Parse(text string) (T, error)
	Name() string
}

// parseAll parses files into t; the file named like t becomes t itself.
func parseAll[T parser[T]](src source, t T, files ...string) error {
	for _, name := range files {
		text, origin, err := src.read(name)
		if err != nil {
			return err
		}
		target := t
		if name != t.Name() {
			target = t.New(name)
		}
		if _, err := target.Parse(text); err != nil {
			return fmt.Errorf("template %s: %w", origin, err)
		}
	}
	return nil
}

// funcs are the functions the templates of lang may call.
func funcs(lang string) map[string]any {
	return map[string]any{
		"keyword":   func(v workflow.Verb) string { return v.Keyword(lang) },
		"keywordIn": func(l string, v workflow.Verb) string { return v.Keyword(l) },
		"indent":    indent,
		"charts":    charts,
		"size":      func(n int64) string { return byteSize(lang, n) },
	}
}

// indent puts four spaces before every line of s, to set quoted text apart
// in a plain-text mail.
func indent(s string) string {
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "    " + l
		}
	}
	return strings.Join(lines, "\n")
}
