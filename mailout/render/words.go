package render

import (
	"fmt"
	htmltemplate "html/template"
	"reflect"
	"strconv"
	"strings"
	tparse "text/template/parse"
)

// lookups make the templates' word lists cheap to execute. A list is a
// chain like {{if eq . "reported"}}…{{else if eq . "closed"}}…{{end}}
// whose branches are plain text: executed as written it calls eq once per
// word tried. At load time each chain becomes one call of a function that
// finds the word in a map, with the same output:
//
//	{{word N .}}                                      when the chain ends in text, {{.}} or nothing
//	{{if hasWord N .}}{{word N .}}{{else}}…{{end}}    when it ends in anything else
//
// In HTML a chain becomes a call only when its words hold no character
// that HTML escapes, so that the words come out the same in any context.
type lookups struct {
	html   bool
	tables []lookup
}

// lookup is one chain: the text of each word, and what comes out for any
// other value (ignored when the chain ends in a list run as written).
type lookup struct {
	words    map[string]string
	otherDot bool   // the chain ends in {{.}}
	other    string // the chain ends in this text
}

// funcs are the functions the rewritten chains call.
func (l *lookups) funcs() map[string]any {
	return map[string]any{"word": l.word, "hasWord": l.has}
}

func (l *lookups) has(n int, v reflect.Value) (bool, error) {
	s, err := stringOf(v)
	_, ok := l.tables[n].words[s]
	return ok, err
}

func (l *lookups) word(n int, v reflect.Value) (any, error) {
	s, err := stringOf(v)
	if err != nil {
		return nil, err
	}
	t := &l.tables[n]
	w, ok := t.words[s]
	switch {
	case !ok && t.otherDot:
		return v.Interface(), nil
	case !ok:
		w = t.other
	}
	if l.html {
		return htmltemplate.HTML(w), nil // template text: written as is, like the chain's
	}
	return w, nil
}

// stringOf is v's text; like eq, it fails for a value that is no string.
func stringOf(v reflect.Value) (string, error) {
	for v.IsValid() && v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	if !v.IsValid() || v.Kind() != reflect.String {
		return "", fmt.Errorf("incompatible types for comparison: %v and string", v.Kind())
	}
	return v.String(), nil
}

// rewrite replaces the chains under n with calls.
func (l *lookups) rewrite(n tparse.Node) {
	switch n := n.(type) {
	case *tparse.ListNode:
		if n == nil {
			return
		}
		for i, c := range n.Nodes {
			if r := l.chain(c); r != nil {
				n.Nodes[i] = r
				l.rewrite(r) // the final else, when run as written
			} else {
				l.rewrite(c)
			}
		}
	default:
		for _, b := range branches(n) {
			l.rewrite(b)
		}
	}
}

// chain returns the call that replaces n, or nil when n is no chain.
func (l *lookups) chain(n tparse.Node) tparse.Node {
	cur, ok := n.(*tparse.IfNode)
	if !ok || !l.link(cur) {
		return nil
	}
	t := lookup{words: map[string]string{}}
	var rest *tparse.ListNode // the final else, run as written
	for {
		key, _ := eqDot(cur.Pipe)
		if _, seen := t.words[key]; !seen { // the first test of a word wins
			t.words[key], _ = l.text(cur.List)
		}
		if cur.ElseList == nil {
			break
		}
		if next, isIf := single(cur.ElseList).(*tparse.IfNode); isIf && l.link(next) {
			cur = next // {{else if eq . "…"}}
			continue
		}
		if text, isText := l.text(cur.ElseList); isText {
			t.other = text
		} else if a, isAction := single(cur.ElseList).(*tparse.ActionNode); isAction && isDot(a.Pipe) {
			t.otherDot = true
		} else {
			rest = cur.ElseList
		}
		break
	}
	if len(t.words) < 2 {
		return nil
	}
	id := strconv.Itoa(len(l.tables))
	l.tables = append(l.tables, t)
	if rest == nil {
		return parseNode("{{word " + id + " .}}")
	}
	r := parseNode("{{if hasWord " + id + " .}}{{word " + id + " .}}{{end}}").(*tparse.IfNode)
	r.ElseList = rest
	return r
}

// link reports whether n is one test of a chain: {{if eq . "key"}} and
// text.
func (l *lookups) link(n *tparse.IfNode) bool {
	_, isEq := eqDot(n.Pipe)
	_, isText := l.text(n.List)
	return isEq && isText
}

// text is the text of a list of text nodes only (empty for none).
func (l *lookups) text(list *tparse.ListNode) (string, bool) {
	var b strings.Builder
	for _, n := range list.Nodes {
		t, ok := n.(*tparse.TextNode)
		if !ok {
			return "", false
		}
		b.Write(t.Text)
	}
	if l.html && strings.ContainsAny(b.String(), "<>&'\"+\x00") {
		return "", false
	}
	return b.String(), true
}

// eqDot reports whether p is `eq . "key"`, and the key.
func eqDot(p *tparse.PipeNode) (string, bool) {
	if len(p.Decl) != 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 3 {
		return "", false
	}
	args := p.Cmds[0].Args
	id, ok := args[0].(*tparse.IdentifierNode)
	if !ok || id.Ident != "eq" || args[1].Type() != tparse.NodeDot {
		return "", false
	}
	s, ok := args[2].(*tparse.StringNode)
	if !ok {
		return "", false
	}
	return s.Text, true
}

// isDot reports whether p is just `.`.
func isDot(p *tparse.PipeNode) bool {
	return len(p.Decl) == 0 && len(p.Cmds) == 1 && len(p.Cmds[0].Args) == 1 &&
		p.Cmds[0].Args[0].Type() == tparse.NodeDot
}

func single(list *tparse.ListNode) tparse.Node {
	if len(list.Nodes) != 1 {
		return nil
	}
	return list.Nodes[0]
}

// parseNode parses the one action of text.
func parseNode(text string) tparse.Node {
	stub := map[string]any{"word": "", "hasWord": ""}
	trees, err := tparse.Parse("word", text, "", "", stub)
	if err != nil {
		panic(err) // the texts are constants above
	}
	return trees["word"].Root.Nodes[0]
}
