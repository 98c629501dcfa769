package mailin

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"incidentd/workflow/store"
)

const dialTimeout = 30 * time.Second

// session is one IMAP connection, logged in with the mailbox selected.
type session struct {
	*watcher
	c    *imapclient.Client
	caps imap.CapSet
	// updates is signalled when the server reports new mail.
	updates chan struct{}
	stop    *closer
	// cp is how far the mailbox was read (see IMAPOptions.Checkpoints).
	cp store.Checkpoint
}

// session runs rounds on one connection until it fails or ctx is done.
func (w *watcher) session(ctx context.Context) error {
	s := &session{watcher: w, updates: make(chan struct{}, 1)}
	c, err := w.dial(ctx, &imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			// Runs on the client's reader: only signal.
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					s.signal()
				}
			},
		},
	})
	if err != nil {
		return err
	}
	defer c.Close()
	s.c, s.stop = c, &closer{c: c}
	// go-imap takes no context: closing the client ends whatever waits on it.
	defer context.AfterFunc(ctx, s.stop.close)()

	if err := s.open(ctx); err != nil {
		return err
	}
	if w.o.Connected != nil {
		w.o.Connected(true)
		defer w.o.Connected(false)
	}
	for {
		if err := s.round(ctx); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := s.wait(ctx); err != nil {
			return err
		}
	}
}

func (s *session) signal() {
	select {
	case s.updates <- struct{}{}:
	default:
	}
}

func (w *watcher) dial(ctx context.Context, opts *imapclient.Options) (*imapclient.Client, error) {
	o := w.o
	cfg := &tls.Config{}
	if o.TLSConfig != nil {
		cfg = o.TLSConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName, _, _ = net.SplitHostPort(o.Address)
	}
	nd := &net.Dialer{Timeout: dialTimeout}
	var c *imapclient.Client
	switch o.TLS {
	case "implicit":
		conn, err := (&tls.Dialer{NetDialer: nd, Config: cfg}).DialContext(ctx, "tcp", o.Address)
		if err != nil {
			return nil, fmt.Errorf("dial %s (TLS): %w", o.Address, err)
		}
		c = imapclient.New(conn, opts)
	case "starttls":
		conn, err := nd.DialContext(ctx, "tcp", o.Address)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", o.Address, err)
		}
		opts.TLSConfig = cfg
		if c, err = imapclient.NewStartTLS(conn, opts); err != nil {
			return nil, fmt.Errorf("STARTTLS with %s: %w", o.Address, err)
		}
	default:
		conn, err := nd.DialContext(ctx, "tcp", o.Address)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", o.Address, err)
		}
		c = imapclient.New(conn, opts)
	}
	if err := within(c, cmdTimeout, c.WaitGreeting); err != nil {
		c.Close()
		return nil, fmt.Errorf("greeting from %s: %w", o.Address, err)
	}
	return c, nil
}

// open logs in, creates the destination mailboxes if missing, selects
// the mailbox and reads its checkpoint.
func (s *session) open(ctx context.Context) error {
	caps, err := s.login(s.c)
	if err != nil {
		return err
	}
	s.caps = caps
	for _, name := range []string{s.o.Processed, s.o.Quarantine} {
		if err := s.ensureMailbox(name); err != nil {
			return err
		}
	}
	sel, err := s.selectMailbox(s.c)
	if err != nil {
		return err
	}
	s.loadCheckpoint(ctx, sel.UIDValidity)
	return nil
}

// login logs in over c and returns the server's capabilities.
func (w *watcher) login(c *imapclient.Client) (imap.CapSet, error) {
	if err := within(c, cmdTimeout, c.Login(w.o.Username, w.o.Password).Wait); err != nil {
		return nil, fmt.Errorf("login as %s: %w", w.o.Username, err)
	}
	// Read after login: before it a server may advertise only LOGINDISABLED.
	var caps imap.CapSet
	if err := within(c, cmdTimeout, func() error {
		if caps = c.Caps(); caps == nil {
			return errors.New("no answer")
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("capabilities: %w", err)
	}
	return caps, nil
}

// selectMailbox selects the watched mailbox, read-write, over c.
func (w *watcher) selectMailbox(c *imapclient.Client) (*imap.SelectData, error) {
	var sel *imap.SelectData
	if err := within(c, cmdTimeout, func() (err error) {
		sel, err = c.Select(w.o.Mailbox, nil).Wait()
		return err
	}); err != nil {
		return nil, fmt.Errorf("select %s: %w", w.o.Mailbox, err)
	}
	return sel, nil
}

func (s *session) ensureMailbox(name string) error {
	return within(s.c, cmdTimeout, func() error {
		found, err := s.c.List("", name, nil).Collect()
		if err != nil {
			return fmt.Errorf("list %s: %w", name, err)
		}
		if len(found) > 0 {
			return nil
		}
		err = s.c.Create(name, nil).Wait()
		if imapErr := (*imap.Error)(nil); errors.As(err, &imapErr) && imapErr.Code == imap.ResponseCodeAlreadyExists {
			return nil
		}
		if err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
		s.o.Logger.Info("imap mailbox created", "mailbox", name)
		return nil
	})
}

// within runs f, closing the client if f takes longer than d: go-imap sets
// no deadline while it waits for a response, and a half-open connection
// would otherwise hang forever.
func within(c *imapclient.Client, d time.Duration, f func() error) error {
	var expired atomic.Bool
	t := time.AfterFunc(d, func() {
		expired.Store(true)
		c.Close()
	})
	err := f()
	t.Stop()
	if err != nil && expired.Load() {
		return fmt.Errorf("no answer within %v: %w", d, err)
	}
	return err
}

// closer closes the client when ctx is done, except between Handle and the
// move that records its outcome: a shutdown lets that move finish, so the
// mail in flight leaves the inbox. Several batches can be in flight: one
// being handled while the ones before it wait for their move.
type closer struct {
	c        *imapclient.Client
	mu       sync.Mutex
	busy     int // batches held
	stopping bool
}

func (k *closer) close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.stopping = true
	if k.busy == 0 {
		k.c.Close()
	}
}

// hold defers close until release; it fails once close was called.
func (k *closer) hold() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.stopping {
		return false
	}
	k.busy++
	return true
}

func (k *closer) release() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.busy--
	if k.stopping && k.busy == 0 {
		k.c.Close()
	}
}
