package render

import (
	"bytes"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
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
// A call with an argument that changes becomes a call of memo, which
// writes the same text again for the same argument; the templates must
// have memo's funcs. memo also executes the calls that are folded. A call
// with "." stays as written where dot is the whole data, outside any range
// or with: memo would run it through a lookup every time; inside them dot
// is an element or a field, such as a command in a list.
//
// For HTML, fold runs after the templates were escaped, so that the text
// kept is the escaped output, as the call would write it.
type folder struct {
	trees map[string]*tparse.Tree // by name
	memo  *memo
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
	f.list(t.Root, false)
}

// list folds the calls in l; inner says whether dot there is bound by a
// range or a with.
func (f *folder) list(l *tparse.ListNode, inner bool) {
	if l == nil {
		return
	}
	for i, n := range l.Nodes {
		switch n := n.(type) {
		case *tparse.TemplateNode:
			if arg, ok := constant(n.Pipe); ok {
				var b bytes.Buffer
				if f.memo.exec(&b, n.Name, arg) == nil {
					l.Nodes[i] = &tparse.TextNode{NodeType: tparse.NodeText, Pos: n.Pos, Text: b.Bytes()}
					continue
				}
			} else if f.trees[n.Name] != nil && len(n.Pipe.Decl) == 0 && (inner || !isDot(n.Pipe)) {
				l.Nodes[i] = memoCall(n)
			}
			f.fold(n.Name)
		case *tparse.RangeNode:
			f.list(n.List, true)
			f.list(n.ElseList, inner)
		case *tparse.WithNode:
			f.list(n.List, true)
			f.list(n.ElseList, inner)
		default:
			for _, b := range branches(n) {
				f.list(b, inner)
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

// memoCall is {{template "name" pipeline}} as {{pipeline | memo "name"}}.
func memoCall(n *tparse.TemplateNode) *tparse.ActionNode {
	name := &tparse.StringNode{NodeType: tparse.NodeString, Pos: n.Pos, Quoted: strconv.Quote(n.Name), Text: n.Name}
	call := &tparse.CommandNode{NodeType: tparse.NodeCommand, Pos: n.Pos,
		Args: []tparse.Node{tparse.NewIdentifier("memo").SetPos(n.Pos), name}}
	pipe := n.Pipe.CopyPipe()
	pipe.Cmds = append(pipe.Cmds, call)
	return &tparse.ActionNode{NodeType: tparse.NodeAction, Pos: n.Pos, Line: n.Line, Pipe: pipe}
}

// memo runs a template once for an argument and then writes its text
// again for the same argument: like a constant call's, a call's text
// depends on its argument only. It keeps the texts of arguments that are
// words or lists of words (a state, a type, the commands that fit a
// state), memoLimit of them at most per template; for any other argument
// it runs the template every time. It is safe for concurrent use.
type memo struct {
	exec  func(w io.Writer, name string, arg any) error
	mu    sync.RWMutex
	texts map[memoKey]string
	kept  map[string]int // template name → texts kept
}

// memoKey is what a call's text depends on: the template, and the type
// and words of its argument (a list's joined by NULs).
type memoKey struct {
	name  string
	typ   reflect.Type
	words string
}

const memoLimit = 64

// funcs are the functions the rewritten calls call.
func (m *memo) funcs() map[string]any { return map[string]any{"memo": m.call} }

func (m *memo) call(name string, v reflect.Value) (string, error) {
	for v.IsValid() && v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	key, ok := keyOf(name, v)
	if ok {
		m.mu.RLock()
		text, hit := m.texts[key]
		m.mu.RUnlock()
		if hit {
			return text, nil
		}
	}
	var arg any
	if v.IsValid() {
		arg = v.Interface()
	}
	var b strings.Builder
	if err := m.exec(&b, name, arg); err != nil {
		return "", err
	}
	if ok {
		m.keep(key, b.String())
	}
	return b.String(), nil
}

// keep keeps the text of key, unless its template has memoLimit texts.
func (m *memo) keep(key memoKey, text string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.texts == nil {
		m.texts, m.kept = map[memoKey]string{}, map[string]int{}
	}
	if _, dup := m.texts[key]; dup || m.kept[key.name] >= memoLimit {
		return
	}
	m.texts[key] = text
	m.kept[key.name]++
}

// keyOf is the key of a call's text, when its argument is a word or a
// list of words.
func keyOf(name string, v reflect.Value) (memoKey, bool) {
	if !v.IsValid() {
		return memoKey{}, false
	}
	key := memoKey{name: name, typ: v.Type()}
	switch {
	case v.Kind() == reflect.String:
		key.words = v.String()
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String:
		var b strings.Builder
		for i := range v.Len() {
			b.WriteString(v.Index(i).String())
			b.WriteByte(0)
		}
		key.words = b.String()
	default:
		return memoKey{}, false
	}
	return key, true
}
