package parse

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	_ "github.com/emersion/go-message/charset" // ISO-8859-x, windows-125x, Asian charsets
	"github.com/emersion/go-message/mail"
)

// ErrEmpty is returned by Parse for input with nothing to read.
var ErrEmpty = errors.New("empty mail")

// Parse reads a raw mail. It returns an error only when nothing usable is
// there at all (no header); otherwise it does its best and lists in
// Message.Problems what it could not read cleanly. It never panics.
func Parse(raw []byte) (*Message, error) {
	return parse(bytes.NewReader(raw), 0, nil)
}

// ParseStream reads a raw mail from r like Parse, but hands the content of
// every attachment to keep as it is decoded instead of holding it in
// Attachment.Data: only the header and the text parts are held in memory.
// Besides the errors of Parse, it returns keep's error, wrapped.
func ParseStream(r io.Reader, keep Keeper) (*Message, error) {
	return parse(r, 0, keep)
}

// readers are the buffered readers of mails being parsed, reused.
var readers = sync.Pool{New: func() any { return bufio.NewReader(nil) }}

func parse(r io.Reader, depth int, keep Keeper) (*Message, error) {
	br := readers.Get().(*bufio.Reader)
	br.Reset(r)
	defer func() {
		br.Reset(nil)
		readers.Put(br)
	}()
	SkipBlankLines(br)
	skipEnvelope(br)
	head, err := headerBytes(br)
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	if len(bytes.TrimSpace(head)) == 0 && onlySpaceLeft(br) {
		return nil, ErrEmpty
	}
	h, rest, problems, err := readHeader(head)
	if err != nil {
		return nil, err
	}
	m := &Message{Problems: problems}
	m.readHeader(mail.Header{Header: h})

	b := &body{keep: keep}
	b.walk(h, io.MultiReader(rest, br), "body", depth)
	if b.keepErr != nil {
		return nil, b.keepErr
	}
	m.Problems = append(m.Problems, b.problems...)
	m.Attachments = b.attachments

	switch {
	case strings.TrimSpace(strings.Join(b.plain, "")) != "":
		m.Text = strings.Join(b.plain, "\n\n")
		m.NewText = NewText(m.Text)
	case len(b.html) > 0:
		html := strings.Join(b.html, "\n")
		m.Text = strings.TrimSpace(htmlToText(html))
		m.NewText = htmlNewText(html)
	default:
		m.Problems = append(m.Problems, "the mail has no text part")
	}

	m.Automatic = automatic(h, m.From.Address, b.report, m.Subject)
	m.forward(b.forwards)
	return m, nil
}

// readHeader fills the fields that come from the mail's header.
func (m *Message) readHeader(h mail.Header) {
	if id, err := h.MessageID(); err == nil {
		m.MessageID = id
	} else {
		m.MessageID = strings.Trim(strings.TrimSpace(h.Get("Message-Id")), "<>")
	}
	m.InReplyTo = msgIDs(h, "In-Reply-To")
	m.References = msgIDs(h, "References")
	if from := m.addresses(h, "From"); len(from) > 0 {
		m.From = from[0]
	} else if s := h.Get("Sender"); s != "" {
		m.From = addressIn(s)
	}
	m.To = m.addresses(h, "To")
	m.Cc = m.addresses(h, "Cc")
	if rp := h.Get("Return-Path"); rp != "" {
		m.ReturnPath = strings.TrimSpace(rp)
		if nullPath(rp) {
			m.ReturnPath = "<>"
		}
	}
	subject, err := h.Subject()
	if err != nil {
		m.Problems = append(m.Problems, fmt.Sprintf("the subject could not be fully decoded (%v)", err))
	}
	if !utf8.ValidString(subject) {
		subject = toUTF8([]byte(subject))
	}
	m.Subject = strings.TrimSpace(subject)
	m.Tag = Tag(m.Subject)
	if h.Get("Date") != "" {
		if d, err := h.Date(); err == nil {
			m.Date = d
		} else {
			m.Problems = append(m.Problems, fmt.Sprintf("the date %q could not be read", h.Get("Date")))
		}
	}
}

// addresses reads an address list, leniently when it is not well formed.
func (m *Message) addresses(h mail.Header, key string) []Address {
	if h.Get(key) == "" {
		return nil
	}
	list, err := h.AddressList(key)
	if err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: a.Name, Address: strings.ToLower(a.Address)})
		}
		return out
	}
	v, _ := h.Text(key)
	if !utf8.ValidString(v) {
		v = toUTF8([]byte(v))
	}
	var out []Address
	for _, part := range strings.Split(v, ",") {
		if a := addressIn(part); a.Address != "" {
			out = append(out, a)
		}
	}
	m.Problems = append(m.Problems, fmt.Sprintf("the %s header is not well formed (%v); %d address(es) read from it", key, err, len(out)))
	return out
}

// msgIDs reads a list of message IDs, leniently.
func msgIDs(h mail.Header, key string) []string {
	if ids, err := h.MsgIDList(key); err == nil {
		return ids
	}
	var out []string
	for _, w := range strings.FieldsFunc(h.Get(key), func(r rune) bool { return r == ' ' || r == ',' || r == '\t' }) {
		if w = strings.Trim(w, "<>"); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// forward fills m.Forward from the first enclosed message that could be
// read, else from the text.
func (m *Message) forward(forwards []enclosed) {
	for _, e := range forwards {
		if e.err != nil {
			m.Problems = append(m.Problems, fmt.Sprintf("an enclosed message could not be read: %v", e.err))
			continue
		}
		inner := e.msg
		m.Forward = &Forward{From: inner.From, Date: inner.Date, Subject: inner.Subject, Text: inner.Text}
		return
	}
	if fw := forwardFromText(m.Text, forwardSubject(m.Subject)); fw != nil {
		m.Forward = fw
	}
}

// SkipBlankLines drops the empty lines that some tools write before a
// mail (a file saved with a leading newline), which would otherwise end
// its header before it starts. Parse does it; a reader of the header
// alone does it too.
func SkipBlankLines(br *bufio.Reader) {
	for {
		p, _ := br.Peek(2)
		switch {
		case len(p) > 0 && p[0] == '\n':
			br.Discard(1)
		case len(p) == 2 && p[0] == '\r' && p[1] == '\n':
			br.Discard(2)
		default:
			return
		}
	}
}

// skipEnvelope drops the "From " line that mbox files put before a mail.
func skipEnvelope(br *bufio.Reader) {
	if p, _ := br.Peek(5); string(p) == "From " {
		br.ReadSlice('\n') // a line longer than the buffer is cut short; the header reader copes
	}
}

// headerBytes reads the header of a mail: every line up to and including
// the first empty one, or all of it when there is none.
func headerBytes(br *bufio.Reader) ([]byte, error) {
	var head []byte
	for {
		line, err := br.ReadSlice('\n')
		head = append(head, line...)
		if err == io.EOF || (err == nil && (len(line) == 1 || (len(line) == 2 && line[0] == '\r'))) {
			return head, nil
		}
		if err != nil && err != bufio.ErrBufferFull {
			return head, err
		}
	}
}

// onlySpaceLeft reports whether what is left of br is white space, as far
// as one buffer of it shows.
func onlySpaceLeft(br *bufio.Reader) bool {
	rest, err := br.Peek(br.Size())
	return err != nil && len(bytes.TrimSpace(rest)) == 0
}
