package mailout

import (
	"context"
	"sync"
)

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
