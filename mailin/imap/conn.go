package imap

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"incidentd/mailauth"
)

const dialTimeout = 30 * time.Second

// session is one IMAP connection, logged in with the mailbox selected.
type session struct {
	*watcher
	c    *imapclient.Client
	caps goimap.CapSet
	// updates is signalled when the server reports new mail.
	updates chan struct{}
	stop    *closer
	// cp is how far the mailbox was read (see Options.Checkpoints).
	cp Checkpoint
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
	conn, err := mailauth.Dial(ctx, o.Address, mailauth.ProtocolIMAP, o.TLS, cfg, dialTimeout, w.steps)
	if err != nil {
		return nil, err
	}
	if o.TLS == mailauth.TLSStartTLS {
		tc, err := startTLS(ctx, conn, o.Address, cfg, w.steps)
		if err != nil {
			conn.Close()
			return nil, err
		}
		conn = tc
	}
	c := imapclient.New(saslFix{conn}, opts)
	if err := within(c, cmdTimeout, c.WaitGreeting); err != nil {
		c.Close()
		return nil, w.steps.Done("greeting", fmt.Errorf("greeting from %s: %w", o.Address, err), "")
	}
	return c, nil
}

// open logs in, creates the destination mailboxes if missing, selects
// the mailbox and reads its checkpoint.
func (s *session) open(ctx context.Context) error {
	caps, err := s.login(ctx, s.c)
	if err != nil {
		return err
	}
	s.caps = caps
	for _, name := range []string{s.o.Processed, s.o.Quarantine} {
		if _, err := s.ensureMailbox(s.c, name); err != nil {
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

// login logs in over c and returns the server's capabilities. An OAuth2
// token the server refused is replaced, and the login tried once more,
// before the refusal counts. o.Status is told of a success here, of a
// failure by Watch.
func (w *watcher) login(ctx context.Context, c *imapclient.Client) (goimap.CapSet, error) {
	err := w.authenticate(ctx, c)
	if ae := (*mailauth.AuthError)(nil); errors.As(err, &ae) && ae.Renew() {
		err = w.authenticate(ctx, c)
	}
	if err != nil {
		return nil, err
	}
	w.o.Status.Report(nil)
	// Read after login: before it a server may advertise only LOGINDISABLED.
	var caps goimap.CapSet
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

// authenticate logs in with the mechanism the credentials ask for, or the
// strongest the server offers. The LOGIN command counts as the LOGIN
// mechanism: every server has it unless it says LOGINDISABLED.
func (w *watcher) authenticate(ctx context.Context, c *imapclient.Client) error {
	var offered []string
	loginCommand := false
	if err := within(c, cmdTimeout, func() error {
		caps := c.Caps()
		if caps == nil {
			return errors.New("no answer")
		}
		offered = caps.AuthMechanisms()
		if !caps.Has(goimap.CapLoginDisabled) && !slices.Contains(offered, "LOGIN") {
			offered, loginCommand = append(offered, "LOGIN"), true
		}
		return nil
	}); err != nil {
		return fmt.Errorf("capabilities of %s: %w", w.o.Address, err)
	}
	creds := mailauth.Credentials{Mechanism: w.o.Auth, Username: w.o.Username, Password: w.o.Password, Tokens: w.o.Tokens}
	l, err := creds.Begin(ctx, w.o.Address, offered, w.o.TLS != mailauth.TLSNone, w.steps)
	if err != nil {
		return err
	}
	if l.Mechanism == "LOGIN" && loginCommand {
		err = within(c, cmdTimeout, c.Login(w.o.Username, w.o.Password).Wait)
	} else {
		err = within(c, cmdTimeout, func() error { return c.Authenticate(l.SASL()) })
	}
	var refusal *goimap.Error
	if errors.As(err, &refusal) && refusal.Type == goimap.StatusResponseTypeNo && refusal.Code != goimap.ResponseCodeUnavailable {
		err = l.Refused(err)
	} else if err != nil {
		err = fmt.Errorf("log in to %s as %s (%s): %w", w.o.Address, w.o.Username, l.Mechanism, err)
	}
	return w.steps.Done(fmt.Sprintf("login as %s (%s)", w.o.Username, l.Mechanism), err, "")
}

// selectMailbox selects the watched mailbox, read-write, over c.
func (w *watcher) selectMailbox(c *imapclient.Client) (*goimap.SelectData, error) {
	var sel *goimap.SelectData
	if err := within(c, cmdTimeout, func() (err error) {
		sel, err = c.Select(w.o.Mailbox, nil).Wait()
		return err
	}); err != nil {
		return nil, fmt.Errorf("select %s: %w", w.o.Mailbox, err)
	}
	return sel, nil
}

// ensureMailbox creates mailbox name over c unless it exists, and
// reports whether it created it.
func (w *watcher) ensureMailbox(c *imapclient.Client, name string) (created bool, err error) {
	err = within(c, cmdTimeout, func() error {
		found, err := c.List("", name, nil).Collect()
		if err != nil {
			return fmt.Errorf("list %s: %w", name, err)
		}
		if len(found) > 0 {
			return nil
		}
		err = c.Create(name, nil).Wait()
		if imapErr := (*goimap.Error)(nil); errors.As(err, &imapErr) && imapErr.Code == goimap.ResponseCodeAlreadyExists {
			return nil
		}
		if err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
		created = true
		w.o.Logger.Info("imap mailbox created", "mailbox", name)
		return nil
	})
	return created, err
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

// closer closes the client when ctx is done, except between Apply and the
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
