// Package imap owns the IMAP intake loop of incidentd: Watch connects and
// logs in, hands every message of the inbox, a batch at a time and in UID
// order, to a Handler in two phases (Prepare, then Apply), moves each one
// to the processed or quarantine mailbox only once its Outcome came back,
// keeps a checkpoint of how far it got, and waits for new mail with IDLE
// or by polling. Check walks the same connection step by step for
// check-config -connect. It knows nothing of what a mail means.
package imap

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"incidentd/mailauth"
)

// Disposition says where a handled mail goes.
type Disposition int

const (
	Processed   Disposition = iota // move to the processed mailbox
	Quarantined                    // move to the quarantine mailbox
)

func (d Disposition) String() string {
	if d == Quarantined {
		return "quarantined"
	}
	return "processed"
}

// Handler handles the mails Watch fetched, a batch at a time, in UID
// order, in two phases: Prepare reads a batch, in the background while
// the batch before it is applied, and the Batch it returns is applied
// after that one (*mailin.Processor implements it). Each mail is a reader
// of its raw bytes, held in memory or spooled to a temporary file when
// large; it is valid until the Batch's Apply returns.
type Handler interface {
	// Prepare reads mails and commits nothing: a Batch prepared while
	// Watch stops is dropped without being applied.
	Prepare(mails []*io.SectionReader) Batch
}

// Batch is a batch of mails a Handler prepared.
type Batch interface {
	// Apply handles the mails and returns one Outcome per mail, in the
	// same order.
	Apply(ctx context.Context) []Outcome
}

// Outcome is what became of one mail: where it goes, or why it was not
// handled now. With an error, the mail stays in the inbox, untouched, and
// is tried again in the next round; the error is logged.
type Outcome struct {
	Disposition Disposition
	Err         error
}

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

const (
	backoffMin = time.Second
	backoffMax = time.Minute
	// cmdTimeout bounds every command but a fetch; fetchTimeout bounds
	// the fetch of one batch of mails.
	cmdTimeout   = time.Minute
	fetchTimeout = 10 * time.Minute
	// idleRestart is how long one IDLE lasts before a new round: servers
	// drop IDLE after about 30 minutes, NATs forget quiet connections
	// sooner, and the round retries mail whose handling failed.
	idleRestart = 5 * time.Minute
)

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

// Watch connects, and until ctx is done: hands every message in the
// mailbox to the Handler in UID order, a batch at a time (one FETCH, one
// Prepare and Apply, one MOVE per destination), moves each one only after its
// Outcome came back without error, then waits for new mail with IDLE when
// the server offers it (polling every PollInterval otherwise), and
// repeats. A mail whose Outcome is an error stays in the mailbox and is
// tried again in the next round; the others flow on. When the connection
// fails it reconnects with jittered exponential backoff (1s doubling to
// 1min); a mail whose handling failed is retried after the
// same backoff, sooner than the next IDLE restart. Watch returns nil when
// ctx is done, and an error only for invalid options.
func Watch(ctx context.Context, o Options, h Handler) error {
	o, err := o.withDefaults()
	if err != nil {
		return err
	}
	w := &watcher{o: o, h: h}
	var delay time.Duration
	for {
		began := time.Now()
		err := w.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		// A connection that lived long was healthy: start the backoff over.
		if time.Since(began) >= backoffMax {
			delay = 0
		}
		delay = grow(delay)
		wait := jitter(delay)
		// A lasting failure (a refused login, an untrusted certificate) is
		// logged once, by o.Status.
		level := slog.LevelWarn
		if mailauth.Lasting(err) {
			o.Status.Report(err)
			level = slog.LevelDebug
		}
		o.Logger.Log(ctx, level, "imap connection failed; reconnecting", "address", o.Address, "err", err, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// grow is the next delay of an exponential backoff: 1s after none, then
// doubling up to 1min.
func grow(d time.Duration) time.Duration {
	if d == 0 {
		return backoffMin
	}
	return min(2*d, backoffMax)
}

// jitter is a random delay between d/2 and d, so that many clients do not
// retry in step.
func jitter(d time.Duration) time.Duration {
	return d/2 + rand.N(d/2+1)
}

// watcher is the state of one Watch call that outlives its connections.
type watcher struct {
	o Options
	h Handler
	// steps is told of each step of connecting, for a connection check.
	steps mailauth.Steps
	// warnedNoExpunge is set once the lack of MOVE and UIDPLUS was logged.
	warnedNoExpunge bool
	// retry is the backoff before mail whose handling failed is tried again;
	// zero when the last round handled everything.
	retry time.Duration
}
