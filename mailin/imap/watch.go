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
	"log/slog"
	"math/rand/v2"
	"time"

	"incidentd/mailauth"
)

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
