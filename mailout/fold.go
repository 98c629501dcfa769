package mailout

import (
	"bytes"
	"io"
	tparse "text/template/parse"
)

// folder makes templates cheaper to execute: a call of a template with a
// constant argument, like {{template "sign"}} or {{template "label"
// "title"}}, writes the same text every time, since the functions the
// templates may call depend on their arguments only. fold replaces each
// such call, in the templates an execution can reach, by the text it
// writes; neighbouring texts are then joined. A call whose execution
// fails is left as written, to fail when the mail is rendered.
//
// For HTML, fold runs after the templates were escaped, so that the text
// kept is the escaped output, as the call would write it.
type folder struct {
	trees map[string]*tparse.Tree // by name
	exec  func(w io.Writer, name string, arg any) error
	seen  map[*tparse.Tree]bool
}

// fold folds the calls in the template name and in those it calls.
func (f *folder) fold(name string) {
	t := f.trees[name]
	if t == nil || f.seen[t] {
		return
	}
	if f.seen == nil {
		f.seen = map[*tparse.Tree]bool{}
	}
	f.seen[t] = true
	f.list(t.Root)
}

func (f *folder) list(l *tparse.ListNode) {
	if l == nil {
		return
	}
	for i, n := range l.Nodes {
		switch n := n.(type) {
		case *tparse.TemplateNode:
			if arg, ok := constant(n.Pipe); ok {
				var b bytes.Buffer
				if f.exec(&b, n.Name, arg) == nil {
					l.Nodes[i] = &tparse.TextNode{NodeType: tparse.NodeText, Pos: n.Pos, Text: b.Bytes()}
					continue
				}
			}
			f.fold(n.Name)
		default:
			for _, b := range branches(n) {
				f.list(b)
			}
		}
	}
	l.Nodes = joinText(l.Nodes)
}

// branches are the lists of an if, range or with action: its body and
// its else (nil when there is none); none for any other node.
func branches(n tparse.Node) []*tparse.ListNode {
	switch n := n.(type) {
	case *tparse.IfNode:
		return []*tparse.ListNode{n.List, n.ElseList}
	case *tparse.RangeNode:
		return []*tparse.ListNode{n.List, n.ElseList}
	case *tparse.WithNode:
		return []*tparse.ListNode{n.List, n.ElseList}
	}
	return nil
}

// constant is the argument of a template call when it is none or a
// string, the same at every execution.
func constant(p *tparse.PipeNode) (any, bool) {
	if p == nil {
		return nil, true
	}
	if len(p.Decl) != 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return nil, false
	}
	s, ok := p.Cmds[0].Args[0].(*tparse.StringNode)
	if !ok {
		return nil, false
	}
	return s.Text, true
}

// joinText joins neighbouring text nodes into one.
func joinText(nodes []tparse.Node) []tparse.Node {
	out := nodes[:0]
	for _, n := range nodes {
		t, ok := n.(*tparse.TextNode)
		if !ok || len(out) == 0 {
			out = append(out, n)
			continue
		}
		prev, ok := out[len(out)-1].(*tparse.TextNode)
		if !ok {
			out = append(out, n)
			continue
		}
		joined := append(append([]byte(nil), prev.Text...), t.Text...)
		out[len(out)-1] = &tparse.TextNode{NodeType: tparse.NodeText, Pos: prev.Pos, Text: joined}
	}
	return out
}
