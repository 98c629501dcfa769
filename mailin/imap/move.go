package imap

import (
	"context"
	"fmt"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// link is a connection with the watched mailbox selected, and what its
// server can do.
type link struct {
	c    *imapclient.Client
	caps goimap.CapSet
}

// A mover is a second connection to the mailbox, opened for a round of
// more mail than one move takes: the handled mail is moved over it while
// the session's connection fetches the next, so that neither command
// waits for the other (Dovecot, for one, serves each connection in a
// process of its own). Where it cannot be opened (a server allowing one
// connection), the mail is moved over the session's connection.
type mover struct {
	ready chan struct{}
	conn  link // the zero link when it could not be opened
}

// openMover opens a mover in the background.
func (s *session) openMover(ctx context.Context) *mover {
	m := &mover{ready: make(chan struct{})}
	go func() {
		defer close(m.ready)
		l, err := s.connect(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.o.Logger.Warn("imap second connection not opened; handled mail is moved over the first",
					"mailbox", s.o.Mailbox, "err", err)
			}
			return
		}
		m.conn = l
	}()
	return m
}

// connect opens another connection to the mailbox of the session, which
// must be the same mailbox: of the same UIDVALIDITY.
func (s *session) connect(ctx context.Context) (link, error) {
	c, err := s.dial(ctx, &imapclient.Options{})
	if err != nil {
		return link{}, err
	}
	caps, err := s.login(ctx, c)
	if err == nil {
		var sel *goimap.SelectData
		if sel, err = s.selectMailbox(c); err == nil && sel.UIDValidity != s.cp.UIDValidity {
			err = fmt.Errorf("select %s: UIDVALIDITY %d, not %d", s.o.Mailbox, sel.UIDValidity, s.cp.UIDValidity)
		}
	}
	if err != nil {
		c.Close()
		return link{}, err
	}
	return link{c, caps}, nil
}

// link is the connection to move over: the mover's, or else, as without
// a mover, the session's.
func (m *mover) link(s *session) link {
	if m != nil {
		<-m.ready
		if m.conn.c != nil {
			return m.conn
		}
	}
	return link{s.c, s.caps}
}

// close logs the mover out.
func (m *mover) close() {
	if m == nil {
		return
	}
	<-m.ready
	if c := m.conn.c; c != nil {
		within(c, cmdTimeout, c.Logout().Wait)
		c.Close()
	}
}

// startMove sends the move of mails by UID over l and returns the wait
// for its answer. With MOVE, the command goes out now. Without it, the mail is
// copied first and, only once the copy is answered, flagged \Deleted and,
// with UIDPLUS, expunged by UID; without UIDPLUS too, that EXPUNGE would
// also remove every other \Deleted mail of the mailbox, so the mail is
// copied and flagged \Deleted only, and the expunge is left to the
// mailbox's owner. Those steps run in the wait.
func (s *session) startMove(l link, uids []goimap.UID, dest string) (wait func() error) {
	set := goimap.UIDSetNum(uids...)
	if l.caps.Has(goimap.CapMove) {
		cmd := l.c.Move(set, dest)
		return func() error {
			return within(l.c, cmdTimeout, func() error {
				_, err := cmd.Wait()
				return err
			})
		}
	}
	return func() error {
		if !l.caps.Has(goimap.CapUIDPlus) && !s.warnedNoExpunge {
			s.warnedNoExpunge = true
			s.o.Logger.Warn("imap server offers neither MOVE nor UIDPLUS: handled mail is copied and flagged \\Deleted in the mailbox, never expunged",
				"mailbox", s.o.Mailbox)
		}
		return within(l.c, cmdTimeout, func() error {
			if _, err := l.c.Copy(set, dest).Wait(); err != nil {
				return fmt.Errorf("copy: %w", err)
			}
			deleted := &goimap.StoreFlags{Op: goimap.StoreFlagsAdd, Silent: true, Flags: []goimap.Flag{goimap.FlagDeleted}}
			if err := l.c.Store(set, deleted, nil).Close(); err != nil {
				return fmt.Errorf("flag \\Deleted: %w", err)
			}
			if l.caps.Has(goimap.CapUIDPlus) {
				if err := l.c.UIDExpunge(set).Close(); err != nil {
					return fmt.Errorf("expunge: %w", err)
				}
			}
			return nil
		})
	}
}
