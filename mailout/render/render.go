// Package render turns a notice from the outbox into the bytes of an
// RFC 5322 mail: the templates of incidentd/templates (or a directory's
// replacements) executed with a View (the digest's figures drawn as
// charts by MetricsView), the headers that thread the mail and mark it
// automatic, a text body with an HTML alternative, and the incident's
// files streamed in as attachments. The templates' trees are rewritten
// when they load so that they execute faster with the same output
// (words.go, fold.go). It neither reads the outbox nor sends: package
// mailout does.
package render

import (
	"bytes"
	"fmt"
	"io"
	netmail "net/mail"
	"slices"
	"strings"
	"sync"

	"github.com/wneessen/go-mail"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// Attached is an incident's file to send along with a mail.
type Attached struct {
	store.Attachment
	Open func() (io.ReadCloser, error) // the file's content
}

// Options configure a Renderer.
type Options struct {
	// Language is the language of the mails: "es" (the default when
	// empty) or "en".
	Language string
	// TemplateDir, when set, holds template files that replace the
	// embedded ones of the same name.
	TemplateDir string
	// From is the sender, e.g. "Incidents <incidents@example.com>".
	From string
	// Roles say who plays which role: each mail lists the commands its
	// recipient may use on the incident as the notice left it
	// (workflow.CommandsFor). With the zero Roles, anyone may use none.
	Roles workflow.Roles
	// Form is the report form: the fields a mail shows, with their
	// labels and choices in the mail's language. The zero Form is the
	// built-in one.
	Form workflow.Form
}

// Renderer turns outbox rows into mail bytes. It is safe for concurrent use.
type Renderer struct {
	from      string // as configured, for the From header
	address   string // the bare address of from
	lang      string
	roles     workflow.Roles
	form      workflow.Form
	templates map[workflow.NoticeKind]noticeTemplates
	untitled  string    // the title of an incident reported without a subject
	bufs      sync.Pool // of *bytes.Buffer: bodies, until their mail is written
}

// NewRenderer parses the templates of o.Language, with the files of
// o.TemplateDir replacing the embedded ones of the same name. A template
// that does not parse is an error naming its file.
func NewRenderer(o Options) (*Renderer, error) {
	lang, templateDir, from := o.Language, o.TemplateDir, o.From
	if lang == "" {
		lang = "es"
	}
	if !slices.Contains(Languages(), lang) {
		return nil, fmt.Errorf("language %q: want es or en", lang)
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("from address %q: %w", from, err)
	}
	t, err := loadTemplates(lang, templateDir, o.Form, !o.Roles.NoValidation)
	if err != nil {
		return nil, err
	}
	var untitled strings.Builder
	if err := t[workflow.NoticeAck].text.ExecuteTemplate(&untitled, "untitled", nil); err != nil {
		return nil, fmt.Errorf("template words.%s.tmpl: %w", lang, err)
	}
	return &Renderer{from: from, address: addr.Address, lang: lang, roles: o.Roles, form: o.Form, templates: t, untitled: untitled.String()}, nil
}

// Languages are the languages of the notifications: "es" and "en".
func Languages() []string { return []string{"es", "en"} }

// Address is the bare address of the sender.
func (r *Renderer) Address() string { return r.address }

// Render builds the mail of o: From, To o.Recipient, Reply-To replyTo
// (the From address when empty), the subject, Message-ID, Date and
// threading headers of o, the markers of an automatic mail, a text body
// with an HTML alternative, and atts as attachments. The bodies are
// quoted-printable, for any SMTP server.
func (r *Renderer) Render(o store.Outgoing, replyTo string, atts []Attached) ([]byte, error) {
	var buf bytes.Buffer
	if err := r.RenderTo(&buf, o, replyTo, atts, false); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// RenderTo is Render writing to w. Attachments are streamed from their
// files to w, never held in memory whole. With eightBit, for a server
// that takes 8-bit data (8BITMIME), a body whose lines all fit goes as it
// is; any other body is quoted-printable.
func (r *Renderer) RenderTo(w io.Writer, o store.Outgoing, replyTo string, atts []Attached, eightBit bool) error {
	nt, ok := r.templates[o.Notice.Kind]
	if !ok {
		return fmt.Errorf("render %s: no template for notice kind %q", o.MessageID, o.Notice.Kind)
	}
	v := newView(o, r.address)
	withForm(&v, r.form, r.lang)
	if v.Incident.Title == "" && v.Tag != "" {
		v.Incident.Title = r.untitled
	}
	for _, a := range atts {
		v.Attachments = append(v.Attachments, a.Attachment)
	}
	if replyTo == "" {
		replyTo = r.address
	}
	if o.IncidentID != 0 {
		v.Commands = workflow.CommandsFor(o.Notice, o.Recipient, r.roles)
	}
	subject, err := r.subject(nt, v)
	if err != nil {
		return fmt.Errorf("render %s: %w", o.MessageID, err)
	}
	v.reply = reply{to: replyTo, subject: subject, lang: r.lang}
	msg, err := r.headers(v, o, subject)
	if err != nil {
		return fmt.Errorf("render %s: %w", o.MessageID, err)
	}
	var bufs []*bytes.Buffer
	defer func() { r.release(bufs) }()
	text, enc, err := r.body(&bufs, func(w io.Writer) error { return nt.text.Execute(w, v) }, eightBit)
	if err != nil {
		return fmt.Errorf("render %s: text body: %w", o.MessageID, err)
	}
	msg.SetBodyWriter(mail.TypeTextPlain, writeBytes(text), mail.WithPartEncoding(enc))
	html, enc, err := r.body(&bufs, func(w io.Writer) error { return nt.html.Execute(w, v) }, eightBit)
	if err != nil {
		return fmt.Errorf("render %s: html body: %w", o.MessageID, err)
	}
	msg.AddAlternativeWriter(mail.TypeTextHTML, writeBytes(html), mail.WithPartEncoding(enc))
	if len(atts) == 0 {
		if _, err := msg.WriteTo(w); err != nil {
			return fmt.Errorf("render %s: write: %w", o.MessageID, err)
		}
		return nil
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return fmt.Errorf("render %s: write: %w", o.MessageID, err)
	}
	if err := withFiles(w, buf.Bytes(), atts); err != nil {
		return fmt.Errorf("render %s: %w", o.MessageID, err)
	}
	return nil
}

// writeBytes is a go-mail body writer of b.
func writeBytes(b []byte) func(io.Writer) (int64, error) {
	return func(w io.Writer) (int64, error) {
		n, err := w.Write(b)
		return int64(n), err
	}
}

// body is the text exec writes and its transfer encoding: with eightBit,
// a text that can go as 8-bit data goes as it is, with CRLF line ends
// (8bit); any other in quoted-printable. The text is in buffers of r's,
// added to bufs, valid until they are released.
func (r *Renderer) body(bufs *[]*bytes.Buffer, exec func(io.Writer) error, eightBit bool) ([]byte, mail.Encoding, error) {
	b := r.buffer(bufs)
	if err := exec(b); err != nil {
		return nil, "", err
	}
	if eightBit {
		if crlf := r.buffer(bufs); crlf8bit(crlf, b.Bytes()) {
			return crlf.Bytes(), mail.NoEncoding, nil
		}
	}
	return b.Bytes(), mail.EncodingQP, nil
}

// buffer is an empty buffer, added to bufs.
func (r *Renderer) buffer(bufs *[]*bytes.Buffer) *bytes.Buffer {
	b, _ := r.bufs.Get().(*bytes.Buffer)
	if b == nil {
		b = bytes.NewBuffer(make([]byte, 0, 4<<10)) // a notice's body, without growing
	}
	*bufs = append(*bufs, b)
	return b
}

// maxPooled is the largest buffer kept for the next mail: the body of an
// incident with a long description is not held on to.
const maxPooled = 256 << 10

// release gives bufs back to r.
func (r *Renderer) release(bufs []*bytes.Buffer) {
	for _, b := range bufs {
		if b.Cap() <= maxPooled {
			b.Reset()
			r.bufs.Put(b)
		}
	}
}

// crlf8bit writes s to dst with CRLF line ends and reports true when s
// can go as 8-bit data (RFC 6152, RFC 5322): no line over 998 octets, no
// NUL, no CR but before LF.
func crlf8bit(dst *bytes.Buffer, s []byte) bool {
	if bytes.IndexByte(s, 0) >= 0 {
		return false
	}
	dst.Grow(len(s) + len(s)/40)
	for len(s) > 0 {
		line, rest, found := bytes.Cut(s, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > 998 || bytes.IndexByte(line, '\r') >= 0 {
			return false
		}
		dst.Write(line)
		if found {
			dst.WriteString("\r\n")
		}
		s = rest
	}
	return true
}

// headers starts the message with every header but the body's.
func (r *Renderer) headers(v View, o store.Outgoing, subject string) (*mail.Msg, error) {
	replyTo := v.reply.to
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.From(r.from); err != nil {
		return nil, fmt.Errorf("from %q: %w", r.from, err)
	}
	if err := msg.To(o.Recipient); err != nil {
		return nil, fmt.Errorf("to %q: %w", o.Recipient, err)
	}
	if err := msg.ReplyTo(replyTo); err != nil {
		return nil, fmt.Errorf("reply-to %q: %w", replyTo, err)
	}
	msg.Subject(subject)
	msg.SetMessageIDWithValue(o.MessageID)
	msg.SetDateWithValue(o.Date)
	if n := len(o.References); n > 0 {
		msg.SetGenHeader(mail.HeaderInReplyTo, "<"+o.References[n-1]+">")
		msg.SetGenHeader(mail.HeaderReferences, "<"+strings.Join(o.References, "> <")+">")
	}
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	msg.SetGenHeader(mail.Header("X-Loop"), r.address)
	msg.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	return msg, nil
}

// subject is "[INC-n] " and the template's subject. A notice answering a
// mail (Notice.Subject set) starts with "Re: ": about a known incident,
// "Re: [INC-n] " and the template's subject, which says what the answer is
// about now (the mail's own subject may name a state the incident has
// left); about none, "Re: " and that mail's subject.
func (r *Renderer) subject(nt noticeTemplates, v View) (string, error) {
	if v.Subject != "" && v.Tag == "" {
		s := oneLine(v.Subject)
		if !hasReplyPrefix(s) {
			s = "Re: " + s
		}
		return s, nil
	}
	var buf strings.Builder
	if err := nt.text.ExecuteTemplate(&buf, nt.subject, v); err != nil {
		return "", fmt.Errorf("subject: %w", err)
	}
	s := oneLine(buf.String())
	if v.Tag != "" {
		s = "[" + v.Tag + "] " + s
	}
	if v.Subject != "" {
		s = "Re: " + s
	}
	return s, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func hasReplyPrefix(s string) bool {
	return len(s) >= 3 && strings.EqualFold(s[:3], "re:")
}
