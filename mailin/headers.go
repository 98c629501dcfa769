package mailin

import (
	"bufio"
	"io"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"

	"incidentd/mailin/parse"
)

// trace is what the processor reads from a mail's header beyond what
// package parse gives: the delivery and authentication headers a receiving
// server adds, and the loop marker of mail sent by incidentd.
type trace struct {
	// recipients are the envelope recipients a server recorded
	// (Delivered-To, X-Original-To), lower-cased.
	recipients []string
	// authResults are the Authentication-Results fields, topmost (added
	// last, by the server nearest to us) first.
	authResults []string
	xLoop       []string // X-Loop values, lower-cased
}

// traceReaders are the buffered readers of readTrace, reused.
var traceReaders = sync.Pool{New: func() any { return bufio.NewReader(nil) }}

// readTrace reads the trace of a mail from its header, read from r. A
// damaged header yields what could be read before the damage.
func readTrace(mailReader io.Reader) trace {
	br := traceReaders.Get().(*bufio.Reader)
	br.Reset(mailReader)
	parse.SkipBlankLines(br)
	h, _ := textproto.NewReader(br).ReadMIMEHeader()
	br.Reset(nil)
	traceReaders.Put(br)
	var t trace
	for _, k := range []string{"Delivered-To", "X-Original-To"} {
		for _, v := range h.Values(k) {
			if a, err := mail.ParseAddress(v); err == nil {
				t.recipients = append(t.recipients, strings.ToLower(a.Address))
			} else if v = strings.Trim(strings.TrimSpace(v), "<>"); v != "" {
				t.recipients = append(t.recipients, strings.ToLower(v))
			}
		}
	}
	t.authResults = h.Values("Authentication-Results")
	for _, v := range h.Values("X-Loop") {
		t.xLoop = append(t.xLoop, strings.ToLower(strings.TrimSpace(v)))
	}
	return t
}
