package imap

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"incidentd/mailauth"
)

// Options configures Watch and Check. Each field left zero takes the
// default its comment gives.
type Options struct {
	Address string // host:port; required
	// TLS is "implicit" (default), "starttls" or "none".
	TLS string
	// TLSConfig is optional; by default certificates are verified against
	// the host name of Address.
	TLSConfig          *tls.Config
	Username, Password string
	// Auth is the SASL mechanism to log in with, one of mailauth's Auth
	// values; "" or "auto" picks the strongest the server offers.
	Auth string
	// Tokens gives the access tokens of "xoauth2" and "oauthbearer".
	Tokens mailauth.TokenSource
	// Status is told how every login went; it logs a lasting failure once.
	// Default: one that logs to Logger.
	Status     *mailauth.Status
	Mailbox    string // default "INBOX"
	Processed  string // default "Processed"; created if missing
	Quarantine string // default "Quarantine"; created if missing
	// PollInterval is how often the mailbox is looked at when the server
	// offers no IDLE; default 60s.
	PollInterval time.Duration
	// Checkpoints, when set, keeps per mailbox its UIDVALIDITY and the last
	// UID up to which every mail was handled, so that a round looks only at
	// newer mail (the daemon keeps them in its store). Default: none; every
	// round looks at the whole mailbox.
	Checkpoints Checkpoints
	// Connected, when set, is told when a session is logged in with the
	// mailbox selected (true) and when it ends (false), e.g. for a health
	// check. It must not block.
	Connected func(bool)
	Logger    *slog.Logger     // default: discarded
	Now       func() time.Time // default time.Now
}

func (o Options) withDefaults() (Options, error) {
	if o.TLS == "" {
		o.TLS = "implicit"
	}
	if o.Mailbox == "" {
		o.Mailbox = "INBOX"
	}
	if o.Processed == "" {
		o.Processed = "Processed"
	}
	if o.Quarantine == "" {
		o.Quarantine = "Quarantine"
	}
	if o.PollInterval == 0 {
		o.PollInterval = 60 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Status == nil {
		o.Status = &mailauth.Status{Server: "imap", Logger: o.Logger}
	}
	var errs []error
	if o.Address == "" {
		errs = append(errs, errors.New("imap address is empty"))
	}
	if o.TLS != "implicit" && o.TLS != "starttls" && o.TLS != "none" {
		errs = append(errs, fmt.Errorf("imap tls %q is not implicit, starttls or none", o.TLS))
	}
	if o.Processed == o.Mailbox || o.Quarantine == o.Mailbox {
		errs = append(errs, fmt.Errorf("imap processed and quarantine mailboxes must differ from %q", o.Mailbox))
	}
	if o.PollInterval < 0 {
		errs = append(errs, fmt.Errorf("imap poll interval %v is negative", o.PollInterval))
	}
	return o, errors.Join(errs...)
}
