package mailout

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"incidentd/mailauth"
	"incidentd/workflow/store"
)

// Retry timing: the delay after the n-th failed attempt (n from 0) is
// retryBase·2ⁿ, at most retryMax, ±20 %.
const (
	retryBase = 30 * time.Second
	retryMax  = time.Hour
	// loginRetry is the delay after a login that failed for a lasting
	// reason (see retry).
	loginRetry = time.Minute
)

// retry records a failed attempt and when to try again. A login that
// cannot succeed until the configuration is fixed (mailauth.Lasting) is
// logged once by SMTPOptions.Status, and the mail is tried again after
// loginRetry whatever its attempts, so that it goes out soon after the fix.
func (d *Dispatcher) retry(ctx context.Context, o store.Outgoing, cause error) error {
	wait, level := backoff(o.Attempts), slog.LevelWarn
	if mailauth.Lasting(cause) {
		wait, level = jittered(loginRetry), slog.LevelDebug
	}
	next := d.opts.Now().Add(wait)
	d.opts.Logger.Log(ctx, level, "mail not sent; will retry", "outbox_id", o.ID, "message_id", o.MessageID,
		"recipient", o.Recipient, "attempt", o.Attempts+1, "next_attempt", next, "error", cause)
	return d.opts.Store.MarkRetry(ctx, o.ID, next, cause.Error())
}

// backoff is the delay after failed attempt number attempts (from 0).
func backoff(attempts int) time.Duration {
	d := retryMax
	if attempts < 8 {
		d = min(retryBase<<attempts, retryMax)
	}
	return jittered(d)
}

// jittered is d ±20 %, so that mail failed together is not retried in step.
func jittered(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}
