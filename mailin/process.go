// Package mailin owns what a mail means to incidentd: the Processor turns
// one raw mail into its effects (a new incident, a transition, a comment,
// or an answer that says why nothing changed), authenticating commands,
// applying the rate and attachment limits, and committing each mail's
// effects in one transaction; it also explains how a mail is read
// (Explain). The Processor implements imap.Handler, the contract of the
// IMAP intake loop in mailin/imap, and serves the standard-input path.
package mailin

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"runtime"
	"strings"
	"sync"
	"time"

	"incidentd/mailin/imap"
	"incidentd/mailin/parse"
	"incidentd/workflow"
	"incidentd/workflow/identity"
	"incidentd/workflow/store"
)

// Processor turns one raw mail into its effects: a new incident, a
// transition, a comment, or a reply that says why nothing changed. Every
// effect of a mail (state, history, outgoing notices, the record that the
// mail was handled) commits in one transaction.
type Processor struct {
	Store    *store.Store
	Roles    workflow.Roles
	Defaults workflow.Fields // type and priority used when a report names none
	// Form is the report form: the fields read from reports and
	// corrected by replies. The zero Form is the built-in one.
	Form workflow.Form
	// Identity is who we are in the mail we send (SPEC §4): our address,
	// from which mail is never answered, and the key of the reply tokens
	// signed into our Message-IDs and verified in replies. With the zero
	// Identity our mail carries no token and none is found, so the token
	// policy authenticates nothing.
	Identity identity.Identity
	// MaxMessageBytes quarantines larger mail; zero means no limit.
	MaxMessageBytes int64
	// CommandAuth is the policy a command's mail must pass: AuthToken (the
	// default when empty), AuthDMARC or AuthSender.
	CommandAuth string
	// TrustedAuthservIDs are the authserv-ids whose Authentication-Results
	// count under AuthDMARC.
	TrustedAuthservIDs []string
	// Receipts sends the sender of an authenticated mail that acted on an
	// incident (moved, corrected or commented on it) a receipt: what
	// changed, the new state, who is next.
	Receipts bool
	// Limits bound the mail sent in answer and the attachments kept.
	Limits Limits
	Logger *slog.Logger
	Now    func() time.Time // default time.Now
	// Committed is called after a batch's effects were committed, with
	// the mail they added to the outbox, e.g. to hand it to the outbox
	// dispatcher.
	Committed func(queued []store.Outgoing)
}

// Handle processes one mail. An error means nothing was committed and the
// mail must stay where it is, to be tried again.
func (p *Processor) Handle(ctx context.Context, raw []byte) (imap.Disposition, error) {
	o := p.Prepare([]*io.SectionReader{io.NewSectionReader(bytes.NewReader(raw), 0, int64(len(raw)))}).Apply(ctx)[0]
	return o.Disposition, o.Err
}

// prepared is a batch of mails read, ready to be applied.
type prepared struct {
	p     *Processor
	units []*unit // nil for a mail that could not be read
	out   []imap.Outcome
}

// Prepare reads mails on every core: parses them and stores their
// attachments; nothing is committed until the batch is applied. It
// implements imap.Handler.
func (p *Processor) Prepare(mails []*io.SectionReader) imap.Batch {
	b := &prepared{p: p, units: make([]*unit, len(mails)), out: make([]imap.Outcome, len(mails))}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(mails)) {
		wg.Go(func() {
			for i := range next {
				b.units[i], b.out[i].Err = p.prepare(mails[i])
			}
		})
	}
	for i := range mails {
		next <- i
	}
	close(next)
	wg.Wait()
	return b
}

// Apply processes the mails, in order, in one store transaction in which
// every mail has a savepoint of its own: each mail's effects are all or
// nothing, a mail that fails leaves no trace and does not hold back the
// others, and the batch costs one commit. A mail's Outcome has an error
// when nothing of it was committed.
func (b *prepared) Apply(ctx context.Context) []imap.Outcome {
	p, units, out := b.p, b.units, b.out
	var queued []store.Outgoing
	err := p.Store.Update(ctx, func(tx *store.Tx) error {
		for i, u := range units {
			if u == nil {
				continue
			}
			if err := tx.Savepoint(func() error { return u.apply(tx) }); err != nil {
				out[i].Err, units[i] = fmt.Errorf("process %s: %w", u.key, err), nil
			}
		}
		queued = tx.Queued()
		return nil
	})
	committed := false
	for i, u := range units {
		switch {
		case u == nil:
		case err != nil:
			out[i].Err = fmt.Errorf("process %s: %w", u.key, err)
		default:
			committed = true
			out[i].Disposition = u.disposition
			u.log.Info("mail processed", "outcome", u.outcome)
		}
	}
	if committed && p.Committed != nil {
		p.Committed(queued)
	}
	return out
}

func (p *Processor) now() time.Time {
	if p.Now != nil {
		return p.Now().UTC()
	}
	return time.Now().UTC()
}

func (p *Processor) log() *slog.Logger {
	if p.Logger != nil {
		return p.Logger
	}
	return slog.Default()
}

// ignored says why a mail must get no answer and have no effect: automatic
// mail and our own.
func (p *Processor) ignored(msg *parse.Message, tr trace) string {
	switch {
	case msg.Automatic != "":
		return "automatic mail (" + msg.Automatic + ")"
	case msg.From.Address == "":
		return "no sender"
	}
	return p.ownMail(msg, tr)
}

// sender reads the From address and the subject of a mail that could not
// be parsed, as far as its header can be read.
func sender(r io.Reader) (from, subject string) {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return "", ""
	}
	if a, err := mail.ParseAddress(m.Header.Get("From")); err == nil {
		from = strings.ToLower(a.Address)
	}
	return from, m.Header.Get("Subject")
}
