package imap

import (
	"context"
	"errors"
	"fmt"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

var errConnClosed = errors.New("connection closed by the server")

// wait returns when a new round is due: new mail was reported during IDLE,
// IDLE has run for idleRestart, PollInterval has passed on a server
// without IDLE, or mail whose handling failed is due again. The round that
// follows runs its commands under timeouts,
// which also checks that the connection is still alive.
func (s *session) wait(ctx context.Context) error {
	if !s.caps.Has(goimap.CapIdle) {
		t := time.NewTimer(s.bound(s.o.PollInterval))
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-s.c.Closed():
			return errConnClosed
		}
	}

	var idle *imapclient.IdleCommand
	if err := within(s.c, cmdTimeout, func() (err error) {
		idle, err = s.c.Idle()
		return err
	}); err != nil {
		return fmt.Errorf("start IDLE: %w", err)
	}
	t := time.NewTimer(s.bound(idleRestart))
	defer t.Stop()
	select {
	case <-s.updates:
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err() // the client is being closed
	case <-s.c.Closed():
		return errConnClosed
	}
	if err := within(s.c, cmdTimeout, func() error {
		if err := idle.Close(); err != nil {
			return err
		}
		return idle.Wait()
	}); err != nil {
		return fmt.Errorf("stop IDLE: %w", err)
	}
	return nil
}

// bound shortens a wait to the retry of mail whose handling failed.
func (s *session) bound(d time.Duration) time.Duration {
	if s.retry > 0 {
		return min(d, jitter(s.retry))
	}
	return d
}
