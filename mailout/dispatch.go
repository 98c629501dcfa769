package mailout

import (
	"context"
	"fmt"
	"sync"
	"time"

	"incidentd/mailout/render"
	"incidentd/workflow/store"
)

// pollInterval bounds how long Run sleeps, so that mail queued by another
// process (incidentd ingest) goes out without a Kick.
const pollInterval = time.Minute

// Dispatcher sends the outbox. It is safe for concurrent use; Flush calls
// run one at a time.
type Dispatcher struct {
	opts      Options
	renderers map[string]*render.Renderer // by language
	address   string                      // the bare address of Options.From
	kick      chan struct{}
	mu        sync.Mutex // held by Flush
	bufs      sync.Pool  // of *bytes.Buffer: mails without files, rendered in memory
	held      held       // mail offered, not read from the outbox yet
	sentLog   *store.SentLog
}

// NewDispatcher checks o, parses the templates and configures the SMTP
// client. It does not connect.
func NewDispatcher(o Options) (*Dispatcher, error) {
	if err := o.setDefaults(); err != nil {
		return nil, err
	}
	renderers := map[string]*render.Renderer{}
	var address string
	for _, lang := range render.Languages() {
		r, err := render.NewRenderer(render.Options{Language: lang, TemplateDir: o.TemplateDir, From: o.From, Roles: o.Roles, Form: o.Form})
		if err != nil {
			return nil, fmt.Errorf("mailout: %w", err)
		}
		renderers[lang], address = r, r.Address()
	}
	// Mail a crash kept from being recorded as sent is recorded now.
	l, err := o.Store.OpenSentLog(context.Background())
	if err != nil {
		return nil, fmt.Errorf("mailout: %w", err)
	}
	return &Dispatcher{opts: o, renderers: renderers, address: address, kick: make(chan struct{}, 1), sentLog: l}, nil
}

// Kick wakes Run up to send mail just committed to the outbox. It never
// blocks.
func (d *Dispatcher) Kick() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Offer hands the dispatcher mail just committed to the outbox, as
// store.Tx.Queued lists it, and wakes Run to send it. It never blocks.
func (d *Dispatcher) Offer(queued []store.Outgoing) {
	d.held.add(queued)
	d.Kick()
}

// Run sends the outbox until ctx is done, then returns nil: it sends what
// is due, then sleeps until the next mail is due, Kick is called or a
// minute has passed, and again.
func (d *Dispatcher) Run(ctx context.Context) error {
	for {
		wait := pollInterval
		if err := d.Flush(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			d.opts.Logger.Error("send outbox", "error", err)
		} else {
			wait = d.untilNextDue(ctx)
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-d.kick:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// untilNextDue is how long Run may sleep: until the next pending mail is
// due, at most pollInterval.
func (d *Dispatcher) untilNextDue(ctx context.Context) time.Duration {
	next, ok, err := d.opts.Store.NextDue(ctx)
	if err != nil {
		d.opts.Logger.Error("next due outgoing mail", "error", err)
		return pollInterval
	}
	if !ok {
		return pollInterval
	}
	return min(max(next.Sub(d.opts.Now()), time.Second), pollInterval)
}
