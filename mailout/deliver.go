package mailout

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"incidentd/mailauth"
	"incidentd/mailout/render"
	"incidentd/workflow/store"
)

// groupMax is how many mails a connection takes at once: they are
// rendered, then sent in one write where the server allows.
const groupMax = 16

// gather returns first and the mails waiting in work, up to groupMax,
// without waiting for more.
func gather(first job, work <-chan job) []job {
	group := []job{first}
	for len(group) < groupMax {
		select {
		case j, ok := <-work:
			if !ok {
				return group
			}
			group = append(group, j)
		default:
			return group
		}
	}
	return group
}

// deliver renders and sends the mails of jobs over s, each with its
// files. Mails the SMTP server accepted are given to m to record; failures
// are recorded here. The error is one of the outbox.
func (d *Dispatcher) deliver(ctx context.Context, s *session, jobs []job, m *marker) error {
	var errs []error
	// Mail is rendered for the server it goes to: connect first.
	if err := s.ready(ctx); err != nil {
		for _, j := range jobs {
			errs = append(errs, d.retry(ctx, j.o, err))
		}
		return errors.Join(errs...)
	}
	var (
		sending []store.Outgoing
		mails   []envelope
	)
	for _, j := range jobs {
		data, size, release, err := d.render(j, s.eightBit())
		if err != nil {
			// A template or attachment problem may be fixed by the
			// operator: keep the mail and try again later.
			errs = append(errs, d.retry(ctx, j.o, err))
			continue
		}
		defer release()
		sending = append(sending, j.o)
		mails = append(mails, envelope{rcpt: j.o.Recipient, data: data, size: size})
	}
	results := s.send(ctx, mails)
	var accepted []int64
	for i, r := range results {
		if r.err == nil {
			accepted = append(accepted, sending[i].ID)
		}
	}
	m.sent(accepted...)
	for i, r := range results {
		switch o := sending[i]; {
		case r.err == nil:
			d.opts.Logger.Info("mail sent", "outbox_id", o.ID, "message_id", o.MessageID, "recipient", o.Recipient,
				"kind", o.Notice.Kind)
		case r.permanent:
			d.opts.Logger.Error("mail refused by the SMTP server; not retrying", "outbox_id", o.ID,
				"message_id", o.MessageID, "recipient", o.Recipient, "error", r.err)
			errs = append(errs, d.opts.Store.MarkFailed(ctx, o.ID, r.err.Error()))
		default:
			if mailauth.Lasting(r.err) {
				d.opts.SMTP.Status.Report(r.err)
			}
			errs = append(errs, d.retry(ctx, o, r.err))
		}
	}
	return errors.Join(errs...)
}

// render builds the mail of j, with its files, in its language, with
// 8-bit bodies when eightBit, and returns its bytes, their number and a
// function that releases them.
func (d *Dispatcher) render(j job, eightBit bool) (io.Reader, int64, func(), error) {
	o, r := j.o, d.renderers[j.lang]
	var atts []render.Attached
	for _, f := range j.files {
		atts = append(atts, render.Attached{Attachment: f, Open: func() (io.ReadCloser, error) {
			return d.opts.Store.OpenBlob(f.Hash)
		}})
	}
	replyTo := d.opts.Identity.ReplyTo(o)
	if len(atts) == 0 {
		buf, _ := d.bufs.Get().(*bytes.Buffer)
		if buf == nil {
			buf = new(bytes.Buffer)
		}
		buf.Reset()
		release := func() { d.bufs.Put(buf) }
		if err := r.RenderTo(buf, o, replyTo, nil, eightBit); err != nil {
			release()
			return nil, 0, nil, err
		}
		return bytes.NewReader(buf.Bytes()), int64(buf.Len()), release, nil
	}
	// With files, the mail can be large: it is written to a temporary
	// file, so that a file that cannot be read fails the rendering, not
	// the SMTP transaction.
	f, err := os.CreateTemp("", "incidentd-out-*")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("render %s: %w", o.MessageID, err)
	}
	done := func() {
		f.Close()
		os.Remove(f.Name())
	}
	w := bufio.NewWriter(f)
	err = r.RenderTo(w, o, replyTo, atts, eightBit)
	if err == nil {
		err = w.Flush()
	}
	var size int64
	if err == nil {
		size, err = f.Seek(0, io.SeekCurrent)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		done()
		return nil, 0, nil, fmt.Errorf("render %s: %w", o.MessageID, err)
	}
	return bufio.NewReader(f), size, done, nil
}
