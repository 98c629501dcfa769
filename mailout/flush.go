package mailout

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	"incidentd/workflow/store"
)

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
		s := &session{opts: d.opts.SMTP, from: d.address, logger: d.opts.Logger}
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

// job is one mail to send, with the files it carries and the language
// it is written in.
type job struct {
	o     store.Outgoing
	files []store.Attachment
	lang  string
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
		langs, err := d.languages(ctx, due)
		if err != nil {
			return err
		}
		for _, o := range due {
			j := job{o: o, lang: langs[o.Recipient]}
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
