package main

import (
	"context"
	"slices"
	"time"

	"incidentd/mailservers/smtpsink"
)

// startSink starts the SMTP server the daemon sends to: it accepts
// everything and keeps only who got a mail when.
func startSink() (*smtpsink.Sink, error) {
	sink := smtpsink.New(smtpsink.Options{Domain: "sink.example.com", MaxMessageBytes: 256 << 20, Discard: true})
	return sink, sink.Start()
}

// waitCount waits until the sink accepted n mails.
func waitCount(ctx context.Context, sink *smtpsink.Sink, n int) error {
	return sink.Wait(ctx, func(mails []smtpsink.Mail) bool { return len(mails) >= n })
}

// waitFor waits until rcpt got one of the mails the sink accepted after
// the first skip, and says when.
func waitFor(ctx context.Context, sink *smtpsink.Sink, skip int, rcpt string) (time.Time, error) {
	var at time.Time
	err := sink.Wait(ctx, func(mails []smtpsink.Mail) bool {
		for _, m := range mails[skip:] {
			if slices.Contains(m.To, rcpt) {
				at = m.Time
				return true
			}
		}
		return false
	})
	return at, err
}
