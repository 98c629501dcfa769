package mailout

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentd/mailauth"
	"incidentd/workflow/store"
)

// A relay on this machine that offers AUTH PLAIN LOGIN without TLS, as a
// Postfix on loopback does: the password is sent, with the mechanism the
// setting asks for, or PLAIN when it is left to auto.
func TestLoginWithoutTLSOnLoopback(t *testing.T) {
	for _, tc := range []struct{ auth, want string }{
		{"", "PLAIN incidents@example.com"},
		{mailauth.AuthAuto, "PLAIN incidents@example.com"},
		{mailauth.AuthPlain, "PLAIN incidents@example.com"},
		{mailauth.AuthLogin, "LOGIN incidents@example.com"},
	} {
		t.Run(tc.auth, func(t *testing.T) {
			f := bareFixture(t, relaySink())
			f.sendAck(t, SMTPOptions{Address: startSink(t, f.sink), TLS: TLSNone, Auth: tc.auth,
				Username: "incidents@example.com", Password: "s3cret"})
			if mails := f.sink.Received(); len(mails) != 1 {
				t.Fatalf("got %d mails, want 1 (outbox: %+v)", len(mails), f.outbox(t))
			}
			if !slices.Equal(f.sink.Logins(), []string{tc.want}) {
				t.Errorf("logins %q, want %q", f.sink.Logins(), tc.want)
			}
		})
	}
}

// A refused login keeps the mail, says so once at ERROR with advice, turns
// the status to failed and retries the mail soon; with the password fixed
// the mail goes out.
func TestRefusedLoginKeepsMail(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	f := bareFixture(t, relaySink())
	addr := startSink(t, f.sink)
	status := &mailauth.Status{Server: "smtp", Logger: logger}
	opts := SMTPOptions{Address: addr, TLS: TLSNone, Username: "incidents@example.com", Password: "wrong", Status: status}
	f.sendAck(t, opts)
	f.flush(t) // a second attempt: logged no more
	if mails := f.sink.Received(); len(mails) != 0 {
		t.Fatalf("sent %d mails with a wrong password", len(mails))
	}
	row := f.outbox(t)[0]
	if row.State != store.OutboxPending || !strings.Contains(row.LastError, "535") {
		t.Errorf("outbox row %+v, want pending with the server's 535", row)
	}
	if wait := row.NextAttempt.Sub(t0); wait > 2*time.Minute {
		t.Errorf("next attempt in %v, want about a minute: the mail goes out soon after the fix", wait)
	}
	err := status.Err()
	if !mailauth.Lasting(err) || !strings.Contains(err.Error(), "authentication failed") || !strings.Contains(mailauth.Hint(err), "password") {
		t.Errorf("status %v (hint %q), want the refusal with advice on the password", err, mailauth.Hint(err))
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 {
		t.Errorf("%d ERROR lines for two refused logins, want 1:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "wrong") {
		t.Errorf("the password is in the log:\n%s", logs.String())
	}

	opts.Password = "s3cret"
	f.clock.Advance(2 * time.Minute)
	d, err := NewDispatcher(Options{From: testFrom, Store: f.store, Now: f.clock.Now, SMTP: opts})
	if err != nil {
		t.Fatal(err)
	}
	f.d = d
	f.flush(t)
	if mails := f.sink.Received(); len(mails) != 1 {
		t.Fatalf("got %d mails after the fix, want 1 (outbox: %+v)", len(mails), f.outbox(t))
	}
	if status.Err() != nil {
		t.Errorf("status %v after a login that worked, want nil", status.Err())
	}
}

// A mechanism the server does not offer fails with the list of what it
// offers; a server that wants a login gets none, and the mail waits
// instead of failing for good.
func TestLoginThatCannotBeMade(t *testing.T) {
	for _, tc := range []struct {
		name     string
		opts     SMTPOptions
		wantInfo string
	}{
		{"mechanism not offered", SMTPOptions{TLS: TLSNone, Auth: mailauth.AuthCRAMMD5, Username: "incidents@example.com", Password: "s3cret"},
			"does not offer CRAM-MD5; it offers PLAIN LOGIN"},
		{"no login configured", SMTPOptions{TLS: TLSNone}, "530"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := bareFixture(t, relaySink())
			tc.opts.Address = startSink(t, f.sink)
			status := &mailauth.Status{Server: "smtp"}
			tc.opts.Status = status
			f.sendAck(t, tc.opts)
			row := f.outbox(t)[0]
			if row.State != store.OutboxPending || !strings.Contains(row.LastError, tc.wantInfo) {
				t.Errorf("outbox row %+v, want pending with %q", row, tc.wantInfo)
			}
			if err := status.Err(); err == nil || mailauth.Hint(err) == "" {
				t.Errorf("status %v, want the lasting failure with advice", err)
			}
		})
	}
}
