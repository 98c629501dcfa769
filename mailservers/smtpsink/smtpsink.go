// Package smtpsink owns the SMTP server that takes the mail incidentd
// sends in the tests, the demo and the bench: a go-smtp server on loopback
// that accepts mail to anyone and records it (Received, Wait), and, as
// its Options ask, refuses recipients or mails on demand, hands each mail
// to a Deliver function (into the in-memory or Dovecot mailboxes), offers
// STARTTLS or implicit TLS, AUTH PLAIN and LOGIN, plays a server of older
// days without CHUNKING and 8BITMIME, or keeps nothing but envelopes for
// a load test. Stop and Start take it down and bring it back on the same
// address.
package smtpsink

import (
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
)

// Options configure a Sink. The zero value accepts every mail without
// TLS or AUTH and keeps it.
type Options struct {
	// Addr is the address to listen on; default "127.0.0.1:0" (any free
	// port).
	Addr string
	// Domain is the name the server greets with; default "localhost".
	Domain string
	// TLS, when set, is offered with STARTTLS, or from the first byte
	// when ImplicitTLS is set.
	TLS         *tls.Config
	ImplicitTLS bool
	// Login, when set, checks the user name and password of AUTH PLAIN
	// and AUTH LOGIN, offered without TLS too (a relay on loopback);
	// nil offers no AUTH.
	Login func(user, password string) error
	// LoginRequired refuses MAIL before a login.
	LoginRequired bool
	// Rcpt, when set, is asked about every recipient; an error refuses
	// it: an *smtp.SMTPError is the answer as it is, any other error a
	// 451.
	Rcpt func(to string) error
	// Deliver, when set, is called with each mail before it is accepted,
	// and its number among the mails that reached DATA or BDAT, refused
	// ones included, from 0. An error refuses the mail, answered as for
	// Rcpt. SetDeliver replaces it.
	Deliver func(n int, m *Mail) error
	// Discard keeps only each mail's envelope (Mail.Data is nil once
	// Deliver had it) and counts no BDAT commands: for the demo and load
	// tests, where keeping every mail would cost memory and time.
	Discard bool
	// Older hides CHUNKING and 8BITMIME from the EHLO reply, as a server
	// of older days, so that mail comes with DATA and 7-bit bodies.
	Older bool
	// MaxMessageBytes and MaxRecipients limit each mail; default: no
	// limit.
	MaxMessageBytes int64
	MaxRecipients   int
	// Logger receives what the server's clients did wrong, at DEBUG, and
	// a server that stopped on its own, at WARN; default: discarded.
	Logger *slog.Logger
}

// Mail is one mail the Sink accepted.
type Mail struct {
	From string
	To   []string
	// Data is the mail as it came, nil with Options.Discard.
	Data []byte
	// Time is when the mail arrived.
	Time time.Time
	// Helo is the name the client greeted with, RemoteAddr its address.
	Helo       string
	RemoteAddr net.Addr
}

// MessageID returns the mail's Message-ID without <>, or "".
func (m *Mail) MessageID() string {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return ""
	}
	return strings.Trim(msg.Header.Get("Message-Id"), "<> ")
}

// Sink is an SMTP server that takes mail; see the package comment.
type Sink struct {
	o        Options
	deliver  atomic.Pointer[func(int, *Mail) error]
	sessions atomic.Int64
	attempts atomic.Int64 // mails that reached DATA or BDAT
	bdat     atomic.Int64 // BDAT commands, unless Options.Discard

	mu     sync.Mutex
	addr   string // where the first Start listened
	srv    *smtp.Server
	ln     net.Listener
	mails  []Mail
	logins []string
}

// New makes a Sink for o; Start makes it listen.
func New(o Options) *Sink {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.Domain == "" {
		o.Domain = "localhost"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	k := &Sink{o: o}
	k.SetDeliver(o.Deliver)
	return k
}

// restartTries and restartWait bound how long Start waits for the port
// of a stopped sink, which may linger a moment.
const (
	restartTries = 50
	restartWait  = 100 * time.Millisecond
)

// Start listens on Options.Addr, or, after Stop, on the address the first
// Start listened on. A running sink is left as it is.
func (k *Sink) Start() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.srv != nil {
		return nil
	}
	l, err := net.Listen("tcp", cmp.Or(k.addr, k.o.Addr))
	for try := 1; err != nil && k.addr != "" && try < restartTries; try++ {
		time.Sleep(restartWait)
		l, err = net.Listen("tcp", k.addr)
	}
	if err != nil {
		return fmt.Errorf("smtp sink: listen: %w", err)
	}
	k.addr = l.Addr().String()
	if !k.o.Discard || k.o.Older {
		l = tap{Listener: l, sink: k}
	}
	if k.o.ImplicitTLS {
		l = tls.NewListener(l, k.o.TLS)
	}
	srv := smtp.NewServer(smtp.BackendFunc(k.newSession))
	srv.Domain = k.o.Domain
	srv.TLSConfig = k.o.TLS
	srv.AllowInsecureAuth = k.o.Login != nil
	srv.MaxMessageBytes = k.o.MaxMessageBytes
	srv.MaxRecipients = k.o.MaxRecipients
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	srv.ErrorLog = slog.NewLogLogger(k.o.Logger.Handler(), slog.LevelDebug)
	k.srv, k.ln = srv, l
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			k.o.Logger.Warn("SMTP sink stopped", "addr", k.addr, "err", err)
		}
	}()
	return nil
}

// Addr is the address the sink listens on, once started.
func (k *Sink) Addr() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.addr
}

// Stop closes the listener and every connection: clients get "connection
// refused" until Start.
func (k *Sink) Stop() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.srv == nil {
		return nil
	}
	// Serve may not have taken the listener yet: close it here too.
	k.ln.Close()
	err := k.srv.Close()
	k.srv, k.ln = nil, nil
	if errors.Is(err, smtp.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		return nil // the listener closed above
	}
	return err
}

// SetDeliver replaces Options.Deliver, for the mails that come next.
func (k *Sink) SetDeliver(deliver func(n int, m *Mail) error) {
	if deliver == nil {
		k.deliver.Store(nil)
		return
	}
	k.deliver.Store(&deliver)
}

// Received returns the mails accepted so far, in order.
func (k *Sink) Received() []Mail {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.mails)
}

// Count is how many mails were accepted so far.
func (k *Sink) Count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.mails)
}

// Reset forgets the mails accepted so far.
func (k *Sink) Reset() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.mails = nil
}

// Sessions is how many SMTP sessions clients opened.
func (k *Sink) Sessions() int { return int(k.sessions.Load()) }

// Attempts is how many mails reached DATA or BDAT, refused ones included.
func (k *Sink) Attempts() int { return int(k.attempts.Load()) }

// BDATCommands is how many BDAT commands came over connections without
// TLS; none are counted with Options.Discard.
func (k *Sink) BDATCommands() int { return int(k.bdat.Load()) }

// Logins returns the mechanism and user of each login, e.g.
// "PLAIN incidents@example.com".
func (k *Sink) Logins() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.logins)
}

// waitPoll is how often Wait looks at the mails.
const waitPoll = 2 * time.Millisecond

// Wait waits until done holds for the mails accepted so far, or ctx is
// done. done is called with the sink locked: it must not keep the slice.
func (k *Sink) Wait(ctx context.Context, done func([]Mail) bool) error {
	t := time.NewTicker(waitPoll)
	defer t.Stop()
	for {
		k.mu.Lock()
		ok, n := done(k.mails), len(k.mails)
		k.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("smtp sink: still waiting with %d mails received: %w", n, ctx.Err())
		case <-t.C:
		}
	}
}

// accept records m.
func (k *Sink) accept(m Mail) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.mails = append(k.mails, m)
}

func (k *Sink) login(mech, user string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.logins = append(k.logins, mech+" "+user)
}
