package mailout

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentd/mailout/render/rendertest"
	"incidentd/mailservers/smtpsink"
	"incidentd/workflow"
	"incidentd/workflow/identity"
	"incidentd/workflow/store"
	"incidentd/workflow/token"
)

// fixture is a store, an SMTP sink and a dispatcher between them.
type fixture struct {
	store *store.Store
	ident identity.Identity
	sink  *smtpsink.Sink
	clock *clock
	d     *Dispatcher
}

func newFixture(t *testing.T, lang string, b *smtpsink.Sink) *fixture {
	t.Helper()
	f := bareFixture(t, b)
	f.d = f.dispatcher(t, lang, startSink(t, b))
	return f
}

// bareFixture is a fixture without its dispatcher, which the test makes.
func bareFixture(t *testing.T, b *smtpsink.Sink) *fixture {
	t.Helper()
	key, err := token.New([]byte("a test secret of enough bytes"))
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{store: openStore(t), ident: identity.New(key, "incidents@example.com"), sink: b, clock: &clock{now: t0}}
}

func (f *fixture) dispatcher(t *testing.T, lang, addr string) *Dispatcher {
	t.Helper()
	d, err := NewDispatcher(Options{From: testFrom, Language: lang, Roles: workflow.Roles{Domains: []string{"example.com"}}, Store: f.store, Now: f.clock.Now,
		SMTP: SMTPOptions{Address: addr, TLS: TLSNone}, Identity: f.ident})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// incident stores an incident with files (name → content) and returns it.
func (f *fixture) incident(t *testing.T, state workflow.State, files map[string]string) workflow.Incident {
	t.Helper()
	inc := rendertest.Incident(0, state)
	err := f.store.Update(context.Background(), func(tx *store.Tx) error {
		if err := tx.CreateIncident(&inc); err != nil {
			return err
		}
		for name, content := range files {
			hash, size, err := f.store.PutBlob(strings.NewReader(content))
			if err != nil {
				return err
			}
			if err := tx.AddAttachment(inc.ID, store.Attachment{Filename: name, ContentType: "text/plain", Hash: hash, Size: size}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// enqueue queues one mail of notice n per recipient.
func (f *fixture) enqueue(t *testing.T, n workflow.Notice, to ...string) {
	t.Helper()
	err := f.store.Update(context.Background(), func(tx *store.Tx) error {
		for _, rcpt := range to {
			o := store.Outgoing{IncidentID: n.Incident.ID, MessageID: f.ident.MessageIDs("test")(n, rcpt),
				Recipient: rcpt, Notice: n, Date: f.clock.Now(), References: []string{"report@mail.example.com"}}
			if err := tx.Enqueue(o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// outbox reads every row of the outbox, newest first.
func (f *fixture) outbox(t *testing.T) []store.Outgoing {
	t.Helper()
	var rows []store.Outgoing
	err := f.store.View(context.Background(), func(tx *store.Tx) error {
		var err error
		rows, err = tx.Outbox("")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func (f *fixture) flush(t *testing.T) {
	t.Helper()
	if err := f.d.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestFlushSends(t *testing.T) {
	for lang, want := range map[string][]string{
		"es": {"pendiente de evaluación", "ACEPTAR [nota opcional]", "RECHAZAR: motivo"},
		"en": {"waiting for evaluation", "ACCEPT [optional note]", "REJECT: reason"},
	} {
		t.Run(lang, func(t *testing.T) {
			f := newFixture(t, lang, smtpsink.New(smtpsink.Options{}))
			inc := f.incident(t, workflow.Reported, nil)
			f.enqueue(t, workflow.Notice{Kind: workflow.NoticeNew, Incident: inc, Actor: inc.Reporter}, "alice@example.com")
			f.flush(t)

			mails := f.sink.Received()
			if len(mails) != 1 {
				t.Fatalf("got %d mails, want 1", len(mails))
			}
			m := mails[0]
			if m.From != "incidents@example.com" || len(m.To) != 1 || m.To[0] != "alice@example.com" {
				t.Errorf("envelope %s → %v", m.From, m.To)
			}
			mr, p := rendertest.Parse(t, m.Data)
			if s, _ := mr.Header.Subject(); !strings.HasPrefix(s, fmt.Sprintf("[INC-%d] Login page returns 500 — ", inc.ID)) || !strings.Contains(s, want[0]) {
				t.Errorf("Subject = %q", s)
			}
			if rt, _ := mr.Header.AddressList("Reply-To"); len(rt) != 1 || !strings.HasPrefix(rt[0].Address, fmt.Sprintf("incidents+%d-", inc.ID)) {
				t.Errorf("Reply-To = %v, want the sub-address with the reply token of INC-%d", rt, inc.ID)
			}
			for _, w := range want[1:] {
				if !strings.Contains(p.Text, w) || !strings.Contains(rendertest.HTMLText(p.HTML), w) {
					t.Errorf("text or HTML body lacks %q", w)
				}
			}
			if len(p.Attachments) != 0 {
				t.Errorf("attachments %v without Notice.Attach", p.Attachments)
			}
			rows := f.outbox(t)
			if rows[0].State != store.OutboxSent || !rows[0].SentAt.Equal(t0) {
				t.Errorf("outbox row %+v, want sent at %v", rows[0], t0)
			}
		})
	}
}

func TestFlushSendsAttachments(t *testing.T) {
	transmissions(t, smtpsink.Options{}, func(t *testing.T, b *smtpsink.Sink) {
		f := newFixture(t, "en", b)
		files := map[string]string{"error log.txt": "panic: nil map\n", "notes.txt": "see screenshot"}
		inc := f.incident(t, workflow.Reported, files)
		f.enqueue(t, workflow.Notice{Kind: workflow.NoticeNew, Incident: inc, Actor: inc.Reporter, Attach: true}, "alice@example.com")
		f.flush(t)

		mails := f.sink.Received()
		if len(mails) != 1 {
			t.Fatalf("got %d mails, want 1", len(mails))
		}
		_, p := rendertest.Parse(t, mails[0].Data)
		if len(p.Attachments) != len(files) {
			t.Errorf("attachments %v, want %v", p.Attachments, files)
		}
		for name, content := range files {
			if p.Attachments[name] != content {
				t.Errorf("attachment %q = %q, want %q", name, p.Attachments[name], content)
			}
		}
	})
}

// refusingFirst makes sinks that refuse the first mail they get with err.
func refusingFirst(err error) smtpsink.Options {
	return smtpsink.Options{Deliver: func(attempt int, _ *smtpsink.Mail) error {
		if attempt == 0 {
			return err
		}
		return nil
	}}
}

func TestTemporaryFailureIsRetried(t *testing.T) {
	transmissions(t, refusingFirst(errTempFailure), func(t *testing.T, b *smtpsink.Sink) {
		f := newFixture(t, "es", b)
		inc := f.incident(t, workflow.Reported, nil)
		f.enqueue(t, workflow.Notice{Kind: workflow.NoticeAck, Incident: inc, Actor: inc.Reporter}, inc.Reporter)
		f.flush(t)

		row := f.outbox(t)[0]
		if row.State != store.OutboxPending || row.Attempts != 1 || !strings.Contains(row.LastError, "451") {
			t.Fatalf("after a 451: %+v, want pending with 1 attempt and the error", row)
		}
		if d := row.NextAttempt.Sub(t0); d < 24*time.Second || d > 36*time.Second {
			t.Errorf("next attempt in %v, want 30s ± 20%%", d)
		}
		f.flush(t) // not due yet
		if mails := f.sink.Received(); len(mails) != 0 || f.sink.Attempts() != 1 {
			t.Fatalf("retried before it was due: %d mails, %d attempts", len(mails), f.sink.Attempts())
		}

		f.clock.Advance(time.Minute)
		f.flush(t)
		if mails := f.sink.Received(); len(mails) != 1 {
			t.Fatalf("got %d mails after the retry, want 1", len(mails))
		}
		if row := f.outbox(t)[0]; row.State != store.OutboxSent {
			t.Errorf("after the retry: %+v, want sent", row)
		}
	})
}

// nobodyThenAlice flushes a notice to nobody@ and alice@, over one
// connection to b, and returns the fixture and the two outbox rows, alice@'s
// first.
func nobodyThenAlice(t *testing.T, b *smtpsink.Sink) (*fixture, []store.Outgoing) {
	t.Helper()
	f := newFixture(t, "en", b)
	f.d.opts.Connections = 1 // both mails over the same connection
	inc := f.incident(t, workflow.Reported, nil)
	f.enqueue(t, workflow.Notice{Kind: workflow.NoticeNew, Incident: inc, Actor: inc.Reporter}, "nobody@example.com", "alice@example.com")
	f.flush(t)
	return f, f.outbox(t) // newest first
}

func TestPermanentFailureIsNotRetried(t *testing.T) {
	transmissions(t, refusingFirst(errNoSuchUser), func(t *testing.T, b *smtpsink.Sink) {
		f, rows := nobodyThenAlice(t, b)
		if rows[1].State != store.OutboxFailed || !strings.Contains(rows[1].LastError, "550") {
			t.Fatalf("after a 550: %+v, want failed with the error", rows[1])
		}
		if rows[0].State != store.OutboxSent {
			t.Errorf("the next mail of the batch: %+v, want sent", rows[0])
		}
		if sessions := f.sink.Sessions(); sessions != 1 {
			t.Errorf("%d sessions, want the connection reused after a refused mail", sessions)
		}
		f.clock.Advance(2 * time.Hour)
		f.flush(t)
		if n := f.sink.Attempts(); n != 2 {
			t.Errorf("%d attempts, want no retry after a permanent failure", n)
		}
	})
}

func TestConnectionFailureIsRetried(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now

	f := bareFixture(t, smtpsink.New(smtpsink.Options{}))
	f.d = f.dispatcher(t, "es", addr)
	inc := f.incident(t, workflow.Reported, nil)
	f.enqueue(t, workflow.Notice{Kind: workflow.NoticeNew, Incident: inc, Actor: inc.Reporter}, "alice@example.com", "bob@example.com")
	f.flush(t)

	for _, row := range f.outbox(t) {
		if row.State != store.OutboxPending || row.Attempts != 1 || !strings.Contains(row.LastError, "connect to "+addr) {
			t.Errorf("after a refused connection: %+v, want pending with 1 attempt", row)
		}
	}
}

// A recipient refused in a pipelined transaction fails that mail only;
// the connection goes on with the next.
func TestRefusedRecipientIsNotRetried(t *testing.T) {
	transmissions(t, smtpsink.Options{Rcpt: func(to string) error {
		if to == "nobody@example.com" {
			return errNoSuchUser
		}
		return nil
	}}, func(t *testing.T, b *smtpsink.Sink) {
		f, rows := nobodyThenAlice(t, b)
		if rows[1].State != store.OutboxFailed || !strings.Contains(rows[1].LastError, "RCPT TO:<nobody@example.com>: 550") {
			t.Errorf("after a 550 to RCPT: %+v, want failed with the error", rows[1])
		}
		if sessions, mails := f.sink.Sessions(), f.sink.Received(); rows[0].State != store.OutboxSent || len(mails) != 1 || sessions != 1 {
			t.Errorf("the next mail: %+v, %d mails over %d sessions; want sent, 1 mail, 1 session", rows[0], len(mails), sessions)
		}
	})
}

func TestConnectionsLastTheWholeFlush(t *testing.T) {
	for _, conns := range []int{1, 3} {
		f := newFixture(t, "es", smtpsink.New(smtpsink.Options{}))
		f.d.opts.BatchSize = 2 // several reads of the outbox, the same connections
		f.d.opts.Connections = conns
		inc := f.incident(t, workflow.Reported, nil)
		var to []string
		for i := range 25 {
			to = append(to, fmt.Sprintf("r%d@example.com", i))
		}
		f.enqueue(t, workflow.Notice{Kind: workflow.NoticeNew, Incident: inc, Actor: inc.Reporter}, to...)
		f.flush(t)

		sessions, mails := f.sink.Sessions(), f.sink.Received()
		if sessions > conns || len(mails) != len(to) {
			t.Errorf("%d connections: %d sessions and %d mails, want at most %d sessions for %d mails", conns, sessions, len(mails), conns, len(to))
		}
		for _, row := range f.outbox(t) {
			if row.State != store.OutboxSent {
				t.Errorf("%d connections: %s is %s, want sent", conns, row.Recipient, row.State)
			}
		}
	}
}

// Mail queued while a flush sends goes out in that flush, over the same
// connection: the outbox is read a page at a time, the next page when the
// last one is handed out.
func TestMailQueuedDuringAFlushIsSent(t *testing.T) {
	var f *fixture
	queued := make(chan error, 1)
	f = newFixture(t, "en", smtpsink.New(smtpsink.Options{Deliver: func(attempt int, _ *smtpsink.Mail) error {
		if attempt == 0 {
			queued <- f.store.Update(context.Background(), func(tx *store.Tx) error {
				return tx.Enqueue(store.Outgoing{MessageID: "late@example.com", Recipient: "late@example.com",
					Notice: workflow.Notice{Kind: workflow.NoticeUnknown, Subject: "INC-99?"}, Date: f.clock.Now()})
			})
		}
		return nil
	}}))
	f.d.opts.Connections, f.d.opts.BatchSize = 1, 1
	inc := f.incident(t, workflow.Reported, nil)
	f.enqueue(t, workflow.Notice{Kind: workflow.NoticeNew, Incident: inc, Actor: inc.Reporter}, "alice@example.com", "bob@example.com")
	f.flush(t)
	if err := <-queued; err != nil {
		t.Fatal(err)
	}
	sessions, mails := f.sink.Sessions(), f.sink.Received()
	var to []string
	for _, m := range mails {
		to = append(to, m.To...)
	}
	if want := []string{"alice@example.com", "bob@example.com", "late@example.com"}; !slices.Equal(to, want) || sessions != 1 {
		t.Errorf("mail to %v over %d sessions, want %v over 1", to, sessions, want)
	}
}

func TestRunSendsOnKick(t *testing.T) {
	f := newFixture(t, "en", smtpsink.New(smtpsink.Options{}))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.d.Run(ctx) }()

	inc := f.incident(t, workflow.Reported, nil)
	f.enqueue(t, workflow.Notice{Kind: workflow.NoticeNew, Incident: inc, Actor: inc.Reporter}, "alice@example.com")
	f.d.Kick()
	waitFor(t, func() bool { mails := f.sink.Received(); return len(mails) == 1 })

	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run returned %v after cancel, want nil", err)
	}
}

// waitFor polls cond until it holds, failing the test after 10 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestNewDispatcherReportsEveryBadOption(t *testing.T) {
	_, err := NewDispatcher(Options{SMTP: SMTPOptions{TLS: "ssl"}})
	if err == nil {
		t.Fatal("no error for empty options")
	}
	for _, want := range []string{"From", "Store", "SMTP.Address", `SMTP.TLS "ssl"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	_, err = NewDispatcher(Options{From: testFrom, Language: "fr", Store: openStore(t), SMTP: SMTPOptions{Address: "localhost:25"}})
	if err == nil || !strings.Contains(err.Error(), `"fr"`) {
		t.Errorf("language fr: error %v", err)
	}
}
