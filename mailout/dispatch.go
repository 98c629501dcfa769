package mailout

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"incidentd/mailauth"
	"incidentd/mailout/render"
	"incidentd/workflow/store"
)

// Retry timing: the delay after the n-th failed attempt (n from 0) is
// retryBase·2ⁿ, at most retryMax, ±20 %.
const (
	retryBase = 30 * time.Second
	retryMax  = time.Hour
	// loginRetry is the delay after a login that failed for a lasting
	// reason (see retry).
	loginRetry = time.Minute
)

// pollInterval bounds how long Run sleeps, so that mail queued by another
// process (incidentd ingest) goes out without a Kick.
const pollInterval = time.Minute

// Dispatcher sends the outbox. It is safe for concurrent use; Flush calls
// run one at a time.
type Dispatcher struct {
	opts     Options
	renderer *render.Renderer
	kick     chan struct{}
	mu       sync.Mutex // held by Flush
	bufs     sync.Pool  // of *bytes.Buffer: mails without files, rendered in memory
	held     held       // mail offered, not read from the outbox yet
	sentLog  *store.SentLog
}

// heldMax bounds the mail the dispatcher holds: more is read back from
// the outbox when due.
const heldMax = 2000

// held is mail just committed to the outbox, by ID, so that the
// dispatcher need not read it back.
type held struct {
	mu    sync.Mutex
	mails map[int64]store.Outgoing
}

// add holds mails, as many as heldMax allows.
func (h *held) add(mails []store.Outgoing) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.mails == nil {
		h.mails = map[int64]store.Outgoing{}
	}
	for _, o := range mails[:min(len(mails), heldMax-len(h.mails))] {
		h.mails[o.ID] = o
	}
}

// take removes mail id and returns it, if held.
func (h *held) take(id int64) (store.Outgoing, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	o, ok := h.mails[id]
	delete(h.mails, id)
	return o, ok
}

// forget drops every mail held: a flush that found nothing more to send
// has sent them, or they are not due.
func (h *held) forget() {
	h.mu.Lock()
	defer h.mu.Unlock()
	clear(h.mails)
}

// NewDispatcher checks o, parses the templates and configures the SMTP
// client. It does not connect.
func NewDispatcher(o Options) (*Dispatcher, error) {
	if err := o.setDefaults(); err != nil {
		return nil, err
	}
	r, err := render.NewRenderer(o.Language, o.TemplateDir, o.From)
	if err != nil {
		return nil, fmt.Errorf("mailout: %w", err)
	}
	// Mail a crash kept from being recorded as sent is recorded now.
	l, err := o.Store.OpenSentLog(context.Background())
	if err != nil {
		return nil, fmt.Errorf("mailout: %w", err)
	}
	return &Dispatcher{opts: o, renderer: r, kick: make(chan struct{}, 1), sentLog: l}, nil
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

// Flush sends every mail due, over up to Options.Connections SMTP
// connections at once, and records the outcome of each. It reads the
// outbox until a read finds nothing more, so mail queued meanwhile goes
// out in the same flush, over the same connections. It returns an error
// only when the outbox cannot be read or updated; failed deliveries are
// recorded, not returned.
func (d *Dispatcher) Flush(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	m := d.newMarker(ctx, cancel)
	// A page's worth of mail waits for the connections, so that each can
	// take several at once.
	work := make(chan job, d.opts.BatchSize)
	inflight := &flight{idle: make(chan struct{}, 1)}
	var wg sync.WaitGroup
	for range d.opts.Connections {
		s := &session{opts: d.opts.SMTP, from: d.renderer.Address(), logger: d.opts.Logger}
		wg.Go(func() {
			defer s.close()
			for j := range work {
				group := gather(j, work)
				if err := d.deliver(ctx, s, group, m); err != nil {
					cancel(err)
				}
				inflight.done(len(group))
			}
		})
	}
	err := d.feed(ctx, work, inflight)
	close(work)
	wg.Wait()
	return errors.Join(err, m.close(), context.Cause(ctx))
}

// job is one mail to send, with the files it carries.
type job struct {
	o     store.Outgoing
	files []store.Attachment
}

// flight counts the mails handed to the connections and not yet sent.
type flight struct {
	n    atomic.Int64
	idle chan struct{} // signalled when n drops to zero
}

// done notes that n mails were sent or failed.
func (f *flight) done(n int) {
	if f.n.Add(-int64(n)) == 0 {
		select {
		case f.idle <- struct{}{}:
		default:
		}
	}
}

// feed hands every due mail to work, a page of the outbox at a time: the
// next page is read while the last mails of the previous one are sent.
// When a read finds nothing, it waits for the mails in flight and reads
// once more, so that mail queued while they were sent goes out over the
// same connections.
func (d *Dispatcher) feed(ctx context.Context, work chan<- job, inflight *flight) error {
	var after store.Outgoing
	for {
		idle := inflight.n.Load() == 0 // all mail handed out was sent before this read
		due, err := d.opts.Store.Due(ctx, d.opts.Now(), after, d.opts.BatchSize, d.held.take)
		if err != nil || (len(due) == 0 && idle) {
			d.held.forget()
			return err
		}
		if len(due) == 0 {
			for inflight.n.Load() != 0 {
				select {
				case <-inflight.idle:
				case <-ctx.Done():
					return nil
				}
			}
			continue
		}
		files, err := d.files(ctx, due)
		if err != nil {
			return err
		}
		for _, o := range due {
			j := job{o: o}
			if o.Notice.Attach {
				j.files = files[o.IncidentID]
			}
			inflight.n.Add(1)
			select {
			case work <- j:
			case <-ctx.Done():
				return nil
			}
		}
		after = due[len(due)-1]
	}
}

// markEvery is how many sent mails wait to be recorded before a
// transaction records them. Meanwhile the sent log lists them, so that a
// crash does not have them sent again.
const markEvery = 20

// marker records sent mails in the background, markEvery or more in one
// transaction, so that no connection waits for the database.
type marker struct {
	d      *Dispatcher
	ctx    context.Context
	mu     sync.Mutex
	ids    []int64       // sent, not recorded yet
	wake   chan struct{} // markEvery are waiting
	closed chan struct{}
	done   chan error
}

func (d *Dispatcher) newMarker(ctx context.Context, fail context.CancelCauseFunc) *marker {
	m := &marker{d: d, ctx: context.WithoutCancel(ctx), wake: make(chan struct{}, 1),
		closed: make(chan struct{}), done: make(chan error, 1)}
	go func() {
		for {
			select {
			case <-m.wake:
				if err := m.record(); err != nil {
					fail(err)
				}
			case <-m.closed:
				m.done <- m.record()
				return
			}
		}
	}()
	return m
}

// sent notes that mails ids were accepted by the SMTP server, first in
// the sent log.
func (m *marker) sent(ids ...int64) {
	if len(ids) == 0 {
		return
	}
	m.mu.Lock()
	if err := m.d.sentLog.Append(m.d.opts.Now(), ids...); err != nil {
		m.d.opts.Logger.Warn("mail sent, not listed in the sent log: a crash before it is recorded sends it again",
			"outbox_ids", ids, "error", err)
	}
	m.ids = append(m.ids, ids...)
	n := len(m.ids)
	m.mu.Unlock()
	if n >= markEvery {
		select {
		case m.wake <- struct{}{}:
		default:
		}
	}
}

// record records every mail noted as sent so far.
func (m *marker) record() error {
	m.mu.Lock()
	ids := m.ids
	m.ids = nil
	m.mu.Unlock()
	if err := m.d.opts.Store.MarkSent(m.ctx, m.d.opts.Now(), ids...); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.ids) == 0 {
		return m.d.sentLog.Recorded()
	}
	return nil
}

// close records what is left, once every sender has stopped, and returns
// the error of that last transaction.
func (m *marker) close() error {
	close(m.closed)
	return <-m.done
}

// files reads the files of the incidents whose mails of due carry them,
// in one query for the page.
func (d *Dispatcher) files(ctx context.Context, due []store.Outgoing) (map[int64][]store.Attachment, error) {
	var ids []int64
	for _, o := range due {
		if o.Notice.Attach && o.IncidentID != 0 && !slices.Contains(ids, o.IncidentID) {
			ids = append(ids, o.IncidentID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var files map[int64][]store.Attachment
	err := d.opts.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		files, err = tx.AttachmentsOf(ids)
		return err
	})
	return files, err
}

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
		data, size, release, err := d.render(j.o, j.files, s.eightBit())
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

// retry records a failed attempt and when to try again. A login that
// cannot succeed until the configuration is fixed (mailauth.Lasting) is
// logged once by SMTPOptions.Status, and the mail is tried again after
// loginRetry whatever its attempts, so that it goes out soon after the fix.
func (d *Dispatcher) retry(ctx context.Context, o store.Outgoing, cause error) error {
	wait, level := backoff(o.Attempts), slog.LevelWarn
	if mailauth.Lasting(cause) {
		wait, level = jittered(loginRetry), slog.LevelDebug
	}
	next := d.opts.Now().Add(wait)
	d.opts.Logger.Log(ctx, level, "mail not sent; will retry", "outbox_id", o.ID, "message_id", o.MessageID,
		"recipient", o.Recipient, "attempt", o.Attempts+1, "next_attempt", next, "error", cause)
	return d.opts.Store.MarkRetry(ctx, o.ID, next, cause.Error())
}

// backoff is the delay after failed attempt number attempts (from 0).
func backoff(attempts int) time.Duration {
	d := retryMax
	if attempts < 8 {
		d = min(retryBase<<attempts, retryMax)
	}
	return jittered(d)
}

// jittered is d ±20 %, so that mail failed together is not retried in step.
func jittered(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// render builds the mail of o with files, with 8-bit bodies when
// eightBit, and returns its bytes, their number and a function that
// releases them.
func (d *Dispatcher) render(o store.Outgoing, files []store.Attachment, eightBit bool) (io.Reader, int64, func(), error) {
	var atts []render.Attached
	for _, f := range files {
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
		if err := d.renderer.RenderTo(buf, o, replyTo, nil, eightBit); err != nil {
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
	err = d.renderer.RenderTo(w, o, replyTo, atts, eightBit)
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
