// Package memory owns the in-process mail system behind `incidentd demo`
// and the tests: an IMAP server (go-imap's in-memory backend) and an SMTP
// server (an smtpsink) on loopback, sharing one set of users of one domain.
//
// Mail submitted over SMTP to any local user of the domain lands in that
// user's INBOX; the local part before a "+" picks the user, so
// "incidents+tok@example.com" is delivered to "incidents". Everything is
// plaintext and lives in memory: it is meant for loopback only.
package memory

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"incidentd/mailservers/smtpsink"
)

// Options configures Start.
type Options struct {
	// Domain is the mail domain of every user, e.g. "example.com". Required.
	Domain string
	// Users maps a local part ("incidents", "alice") to its password, for
	// IMAP login and SMTP AUTH (PLAIN, LOGIN). At least one user is required.
	Users map[string]string
	// IMAPAddr and SMTPAddr are the listen addresses; default
	// "127.0.0.1:0" (any free port).
	IMAPAddr, SMTPAddr string
	// Logger receives server errors; default: discarded.
	Logger *slog.Logger
}

// System is a running demo mail system.
type System struct {
	// IMAPAddr and SMTPAddr are the addresses the servers are bound to.
	IMAPAddr, SMTPAddr string

	domain    string
	passwords map[string]string
	users     map[string]*imapmemserver.User
	imap      *imapserver.Server
	smtp      *smtpsink.Sink
	logger    *slog.Logger
}

// Start creates the users with an empty INBOX and starts both servers.
func Start(o Options) (*System, error) {
	if o.Domain == "" {
		return nil, errors.New("in-memory mail: Options.Domain is required")
	}
	if len(o.Users) == 0 {
		return nil, errors.New("in-memory mail: Options.Users is empty")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &System{
		domain:    strings.ToLower(o.Domain),
		passwords: make(map[string]string),
		users:     make(map[string]*imapmemserver.User),
		logger:    o.Logger,
	}
	for name, password := range o.Users {
		name = strings.ToLower(name)
		u := imapmemserver.NewUser(name, password)
		if err := u.Create("INBOX", nil); err != nil {
			return nil, fmt.Errorf("in-memory mail: create INBOX of %s: %w", name, err)
		}
		s.passwords[name] = password
		s.users[name] = u
	}

	imapLn, err := net.Listen("tcp", defaultAddr(o.IMAPAddr))
	if err != nil {
		return nil, fmt.Errorf("in-memory mail: listen for IMAP: %w", err)
	}
	s.smtp = smtpsink.New(s.smtpOptions(o.SMTPAddr))
	if err := s.smtp.Start(); err != nil {
		imapLn.Close()
		return nil, fmt.Errorf("in-memory mail: %w", err)
	}
	s.IMAPAddr, s.SMTPAddr = imapLn.Addr().String(), s.smtp.Addr()

	// The server logs what its clients did wrong, such as hanging up
	// during IDLE: of interest when debugging only.
	errLog := slog.NewLogLogger(o.Logger.Handler(), slog.LevelDebug)
	s.imap = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &imapSession{system: s}, nil, nil
		},
		Caps: imap.CapSet{
			imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {},
			// Spelled out for IMAP4rev1 clients; implied by IMAP4rev2.
			imap.CapNamespace: {}, imap.CapUIDPlus: {}, imap.CapESearch: {},
			imap.CapListExtended: {}, imap.CapListStatus: {}, imap.CapMove: {},
			imap.CapStatusSize: {},
		},
		Logger:       errLog,
		InsecureAuth: true,
	})
	go func() {
		if err := s.imap.Serve(imapLn); err != nil && !errors.Is(err, net.ErrClosed) {
			s.logger.Warn("demo mail server stopped", "server", "imap", "err", err)
		}
	}()
	return s, nil
}

// Close stops both servers and drops their connections.
func (s *System) Close() error {
	return errors.Join(s.imap.Close(), s.smtp.Stop())
}

// user returns the user a login name or recipient local part designates:
// "alice", "Alice" and "alice@example.com" are all alice.
func (s *System) user(name string) (string, *imapmemserver.User) {
	name = strings.ToLower(name)
	if local, domain, ok := strings.Cut(name, "@"); ok {
		if domain != s.domain {
			return "", nil
		}
		name = local
	}
	return name, s.users[name]
}

func defaultAddr(addr string) string {
	if addr == "" {
		return "127.0.0.1:0"
	}
	return addr
}

const idlePoll = 50 * time.Millisecond

// imapSession logs a user into the shared in-memory backend.
type imapSession struct {
	*imapmemserver.UserSession // nil until Login

	system *System
}

// Idle reports new mail every idlePoll (see IdleByPolling).
func (sess *imapSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	return IdleByPolling(sess, w, stop)
}

// A Poller is an IMAP session that can report the changes queued for it.
type Poller interface {
	Poll(w *imapserver.UpdateWriter, allowExpunge bool) error
}

// IdleByPolling is an IDLE for imapmemserver's sessions, which reports
// new mail every idlePoll until stop is closed. imapmemserver's own Idle
// reports only the changes made after it started, and loses mail
// delivered between the previous command and the IDLE.
func IdleByPolling(s Poller, w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	t := time.NewTicker(idlePoll)
	defer t.Stop()
	for {
		if err := s.Poll(w, true); err != nil {
			return err
		}
		select {
		case <-stop:
			return nil
		case <-t.C:
		}
	}
}

func (sess *imapSession) Login(username, password string) error {
	name, u := sess.system.user(username)
	if u == nil {
		return imapserver.ErrAuthFailed
	}
	if err := u.Login(name, password); err != nil {
		return err
	}
	sess.UserSession = imapmemserver.NewUserSession(u)
	return nil
}
