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
	text    *texttemplate.Template // executes to the text body
	subject string                 // the name, in text's set, of the kind's subject
	html    *htmltemplate.Template
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
// the functions that read form and validated: each <kind>.<lang>.txt and
// .html of the embedded set, with the shared words.<lang>.tmpl and
// common.<lang>.txt or common.html. The kinds of a format share one set of
// templates, so that the shared files are parsed, rewritten and kept in
// memory once: a notice's file holds its body and, in text, defines its
// "subject", which is kept under a name of its own; it may define nothing
// else.
func loadTemplates(lang, dir string, form workflow.Form, validated bool) (map[workflow.NoticeKind]noticeTemplates, error) {
	names, err := fs.Glob(templates.FS, "*."+lang+".txt")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	src := source{dir}
	words := "words." + lang + ".tmpl"
	textWords, htmlWords := &lookups{}, &lookups{html: true}
	textMemo, htmlMemo := &memo{}, &memo{}
	text := texttemplate.New(words).Funcs(funcs(lang, validated)).Funcs(formFuncs(lang, form)).Funcs(textWords.funcs()).Funcs(textMemo.funcs())
	if err := parseAll(src, text, words, "common."+lang+".txt"); err != nil {
		return nil, err
	}
	html := htmltemplate.New(words).Funcs(funcs(lang, validated)).Funcs(formFuncs(lang, form)).Funcs(htmlWords.funcs()).Funcs(htmlMemo.funcs())
	if err := parseAll(src, html, words, "common.html"); err != nil {
		return nil, err
	}
	out := make(map[workflow.NoticeKind]noticeTemplates)
	for _, name := range names {
		kind := workflow.NoticeKind(strings.TrimSuffix(name, "."+lang+".txt"))
		if kind == "common" {
			continue
		}
		htmlName := string(kind) + "." + lang + ".html"
		nt := noticeTemplates{subject: "subject " + string(kind)}
		if err := parseNotice(src, text, name, "subject"); err != nil {
			return nil, err
		}
		if _, err := text.AddParseTree(nt.subject, text.Lookup("subject").Tree); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		if err := parseNotice(src, html, htmlName, ""); err != nil {
			return nil, err
		}
		nt.text, nt.html = text.Lookup(name), html.Lookup(htmlName)
		out[kind] = nt
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no templates for language %q", lang)
	}
	textTrees := map[string]*tparse.Tree{}
	for _, t := range text.Templates() {
		textTrees[t.Name()] = t.Tree
	}
	htmlTrees := map[string]*tparse.Tree{} // escaping rewrites them in place
	for _, t := range html.Templates() {
		if t.Tree != nil {
			htmlTrees[t.Name()] = t.Tree
		}
	}
	rewriteOnce(textWords, textTrees)
	rewriteOnce(htmlWords, htmlTrees)
	textMemo.exec = text.ExecuteTemplate
	htmlMemo.exec = html.ExecuteTemplate
	textFolder := folder{trees: textTrees, memo: textMemo}
	htmlFolder := folder{trees: htmlTrees, memo: htmlMemo}
	for _, nt := range out {
		// Escaping happens on the first execution, whatever its outcome;
		// only a template that cannot be escaped is an error here. Every
		// notice is escaped before any is folded, so that the shared
		// templates are escaped as written.
		var escapeErr *htmltemplate.Error
		if err := nt.html.Execute(io.Discard, View{}); errors.As(err, &escapeErr) {
			_, origin, _ := src.read(nt.html.Name())
			return nil, fmt.Errorf("template %s: %w", origin, err)
		}
	}
	for _, nt := range out {
		textFolder.fold(nt.text.Name())
		textFolder.fold(nt.subject)
		htmlFolder.fold(nt.html.Name())
	}
	return out, nil
}

// rewriteOnce rewrites the word chains of each tree once, however many
// names it has.
func rewriteOnce(l *lookups, trees map[string]*tparse.Tree) {
	done := map[*tparse.Tree]bool{}
	for _, t := range trees {
		if !done[t] {
			done[t] = true
			l.rewrite(t.Root)
		}
	}
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

// parseNotice parses a notice's file into the shared set t. The file must
// define the template called must, when that is not empty, and no other:
// what it defined would change every notice's.
func parseNotice[T parser[T]](src source, t T, name, must string) error {
	text, origin, err := src.read(name)
	if err != nil {
		return err
	}
	defined := map[string]*tparse.Tree{}
	probe := tparse.New(name)
	probe.Mode = tparse.SkipFuncCheck
	if _, err := probe.Parse(text, "", "", defined); err != nil {
		return fmt.Errorf("template %s: %w", origin, err)
	}
	for n := range defined {
		if n != name && n != must {
			return fmt.Errorf("template %s: defines %q, which the notices share: define it in the common or words file", origin, n)
		}
	}
	if _, ok := defined[must]; must != "" && !ok {
		return fmt.Errorf("template %s: no {{define %q}}", origin, must)
	}
	if _, err := t.New(name).Parse(text); err != nil {
		return fmt.Errorf("template %s: %w", origin, err)
	}
	return nil
}

// funcs are the functions the templates of lang may call; validated
// says whether a resolved incident waits for its reporter's confirmation.
func funcs(lang string, validated bool) map[string]any {
	return map[string]any{
		"validated": func() bool { return validated },
		"keyword":   func(v workflow.Verb) string { return v.Keyword(lang) },
		"keywordIn": func(l string, v workflow.Verb) string { return v.Keyword(l) },
		"indent":    indent,
		"charts":    charts,
		"size":      func(n int64) string { return byteSize(lang, n) },
		"span":      func(s workflow.Seconds) string { return span(lang, s) },
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
