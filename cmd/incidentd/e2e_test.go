package main

import (
	"context"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"incidentd/mailservers/memory"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// world is the daemon running against the in-process IMAP and SMTP servers.
type world struct {
	sys    *memory.System
	d      *daemon
	client *demoClient
}

func startWorld(t *testing.T, edit func(*Config)) *world {
	t.Helper()
	return startWorldWith(t, nil, edit)
}

// startWorldWith is startWorld with mailboxes for more users than the
// demo's.
func startWorldWith(t *testing.T, more []string, edit func(*Config)) *world {
	t.Helper()
	users := map[string]string{}
	for _, u := range demoUsers {
		users[u.name] = demoPassword
	}
	for _, u := range more {
		users[u] = demoPassword
	}
	sys, err := memory.Start(memory.Options{Domain: demoDomain, Users: users})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sys.Close() })
	cfg, err := demoConfig(sys, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(&cfg)
	}
	e := env{stdout: io.Discard, stderr: io.Discard}
	d, err := newDaemon(t.Context(), cfg, "", quietLogger(e))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := d.run(ctx); err != nil {
			t.Errorf("daemon: %v", err)
		}
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		d.close()
	})
	return &world{sys: sys, d: d, client: newDemoClient(sys, testWriter{t})}
}

// testWriter shows the scenario's mails in the test log (go test -v).
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func (w *world) incident(t *testing.T, id int64) (workflow.Incident, []workflow.Event, []store.Attachment) {
	t.Helper()
	var inc workflow.Incident
	var events []workflow.Event
	var atts []store.Attachment
	err := w.d.store.View(t.Context(), func(tx *store.Tx) error {
		var err error
		if inc, err = tx.Incident(id); err != nil {
			return err
		}
		if events, err = tx.Events(id); err != nil {
			return err
		}
		atts, err = tx.Attachments(id)
		return err
	})
	if err != nil {
		t.Fatalf("INC-%d: %v", id, err)
	}
	return inc, events, atts
}

// says checks that the last mail user received holds each of phrases.
func (w *world) says(t *testing.T, user string, phrases ...string) {
	t.Helper()
	got := w.client.last[user].msg.Text
	for _, p := range phrases {
		if !strings.Contains(got, p) {
			t.Errorf("%s's last mail lacks %q:\n%s", user, p, got)
		}
	}
}

// play plays steps, stopping the test when one fails.
func (w *world) play(t *testing.T, steps ...step) {
	t.Helper()
	if err := w.client.play(t.Context(), steps); err != nil {
		t.Fatal(err)
	}
}

func kinds(events []workflow.Event) []workflow.EventKind {
	var out []workflow.EventKind
	for _, e := range events {
		out = append(out, e.Kind)
	}
	return out
}

// TestScenario plays the demo scenario through IMAP and SMTP, which walks
// the rows of the SPEC §2 table, and checks the state, the history, and
// every notification's recipients, subject tag and threading headers.
func TestScenario(t *testing.T) {
	w := startWorld(t, nil)
	var mails []*received
	w.client.onReceive = func(_ string, r *received) { mails = append(mails, r) }
	if err := playScenario(t.Context(), w.client); err != nil {
		t.Fatal(err)
	}

	inc, events, atts := w.incident(t, 1)
	if inc.State != workflow.Closed || inc.Priority != workflow.PriorityHigh || inc.System != "Nóminas" || inc.AcceptedBy != "alice@example.com" {
		t.Fatalf("INC-1 %+v", inc)
	}
	want := []workflow.EventKind{workflow.EventReported, workflow.EventAccepted, workflow.EventInfoRequested,
		workflow.EventInfoAnswered, workflow.EventResolved, workflow.EventReopened, workflow.EventResolved, workflow.EventConfirmed}
	if !slices.Equal(kinds(events), want) {
		t.Fatalf("INC-1 history %v, want %v", kinds(events), want)
	}
	for _, ev := range events {
		if ev.MessageID == "" || ev.Actor == "" || ev.At.IsZero() {
			t.Errorf("event without its message, actor or time: %+v", ev)
		}
	}
	if events[5].Text != "con un IBAN portugués sigue sin guardar." || events[3].Text != "Sólo con los que tienen un IBAN extranjero." {
		t.Errorf("history lost what was said (or kept quoted text): %q / %q", events[5].Text, events[3].Text)
	}
	if len(atts) != 1 || atts[0].Filename != "captura.png" || atts[0].ContentType != "image/png" {
		t.Errorf("INC-1 attachments %+v", atts)
	}

	inc2, events2, _ := w.incident(t, 2)
	if inc2.State != workflow.Rejected || inc2.Priority != workflow.PriorityLow || len(events2) != 2 ||
		!strings.HasPrefix(events2[1].Text, "es un problema de hardware") {
		t.Fatalf("INC-2 %+v %+v", inc2, events2)
	}

	// Each notification: to the right person, tagged, threaded, marked automatic.
	wantTo := []string{"carol", "alice", "carol", "bob", "alice", "alice", "bob", "bob", "alice", "carol", "bob",
		"bob", "carol", "carol", "bob", "alice", "bob", "carol", "carol", "alice", "carol", "alice"}
	var got []string
	roots := map[int64]string{}
	for _, m := range mails {
		got = append(got, m.user)
		tag := m.msg.Tag
		if tag == 0 || !strings.Contains(m.msg.Subject, "[INC-") {
			t.Errorf("mail to %s without a subject tag: %q", m.user, m.msg.Subject)
		}
		if !strings.Contains(m.msg.Automatic, "Auto-Submitted") {
			t.Errorf("mail to %s not marked Auto-Submitted (%q)", m.user, m.msg.Automatic)
		}
		if len(m.msg.References) == 0 || len(m.msg.InReplyTo) != 1 {
			t.Errorf("mail to %s is not threaded: In-Reply-To %v References %v", m.user, m.msg.InReplyTo, m.msg.References)
			continue
		}
		root := m.msg.References[0]
		if prev, ok := roots[tag]; ok && prev != root {
			t.Errorf("mail to %s starts its thread at %s, others at %s", m.user, root, prev)
		}
		roots[tag] = root
	}
	if !slices.Equal(got, wantTo) {
		t.Errorf("notifications went to %v, want %v", got, wantTo)
	}
	if n := len(mails[1].msg.Attachments); n != 1 {
		t.Errorf("the evaluators' notice carries %d attachments, want the screenshot", n)
	}
}

// TestResolverRejects plays the one row the scenario does not: a resolver
// rejecting an accepted incident.
func TestResolverRejects(t *testing.T) {
	w := startWorld(t, nil)
	c := w.client
	steps := []step{
		{user: "carol", subject: "Export is slow", text: "Priority: Low", expect: []string{"carol", "alice"}},
		{user: "alice", text: "Accept", expect: []string{"carol", "bob", "alice"}},
		{user: "bob", text: "Reject: works as designed, exports run at night", expect: []string{"carol", "alice", "bob"}},
	}
	if err := c.play(t.Context(), steps); err != nil {
		t.Fatal(err)
	}
	inc, events, _ := w.incident(t, 1)
	if inc.State != workflow.Rejected || events[2].Actor != "bob@example.com" || events[2].Text != "works as designed, exports run at night" {
		t.Fatalf("%+v %+v", inc, events)
	}
}

// TestBadInput sends what must change nothing and checks the reply that
// says why.
func TestBadInput(t *testing.T) {
	w := startWorld(t, func(c *Config) { c.Storage.MaxMessageBytes = 64 << 10 })
	c := w.client
	if err := c.play(t.Context(), []step{{user: "carol", subject: "Login fails", text: "Sistema: Portal", expect: []string{"carol", "alice"}}}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		user, text string
		reply      string // a phrase of the reply, in Spanish (the demo's language)
	}{
		{"carol", "ACEPTAR", "alice@example.com"},      // no role: names who may
		{"alice", "RESUELTO: ya está", "ACEPTAR"},      // not now: says what would work
		{"alice", "RECHAZAR", "motivo"},                // reason required
		{"alice", "ACEPTAR\nRECHAZAR: no", "RECHAZAR"}, // two keywords
	}
	for _, tc := range cases {
		if err := c.send(tc.user, "", tc.text, c.last[tc.user]); err != nil {
			t.Fatal(err)
		}
		r, err := c.await(t.Context(), tc.user)
		if err != nil {
			t.Fatal(err)
		}
		if r.msg.Tag != 1 || !strings.Contains(r.msg.Text, tc.reply) {
			t.Errorf("%s wrote %q; reply %q lacks %q:\n%s", tc.user, tc.text, r.msg.Subject, tc.reply, r.msg.Text)
		}
	}
	// A keyword in a new mail, not a reply to a notification: no token.
	if err := c.send("alice", "Re: [INC-1] Login fails", "ACEPTAR", nil); err != nil {
		t.Fatal(err)
	}
	if r, err := c.await(t.Context(), "alice"); err != nil || r.msg.Tag != 1 || !strings.Contains(r.msg.Text, "Responde al aviso") {
		t.Fatalf("unauthenticated command: %v %+v", err, r)
	}
	// The same from a resolver, who was sent no notice and may not accept:
	// told who may, not pointed at a notice he never received.
	if err := c.send("bob", "Re: [INC-1] Login fails", "ACEPTAR", nil); err != nil {
		t.Fatal(err)
	}
	if r, err := c.await(t.Context(), "bob"); err != nil || !strings.Contains(r.msg.Text, "alice@example.com") || strings.Contains(r.msg.Text, "Responde al aviso") {
		t.Fatalf("unauthenticated command without the role: %v %+v", err, r)
	}
	if inc, events, _ := w.incident(t, 1); inc.State != workflow.Reported || len(events) != 1 {
		t.Fatalf("refused commands changed the incident: %+v %v", inc, kinds(events))
	}

	// An incident that does not exist.
	if err := c.send("bob", "Re: [INC-99] Printer on fire", "RESUELTO", nil); err != nil {
		t.Fatal(err)
	}
	if r, err := c.await(t.Context(), "bob"); err != nil || !strings.Contains(r.msg.Text, "INC-99") {
		t.Fatalf("unknown incident: %v %+v", err, r)
	}

	// A mail over the size limit is kept in quarantine and its sender told.
	big := strings.Repeat("a long log line that nobody will read\n", 3000)
	if err := c.send("carol", "Huge log", big, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.await(t.Context(), "carol"); err != nil {
		t.Fatal(err)
	}
	q, err := w.sys.WaitMessages(t.Context(), "incidents", "Quarantine", 1)
	if err != nil || len(q) != 1 || !strings.Contains(string(q[0]), "Huge log") {
		t.Fatalf("quarantine holds %d mails (%v)", len(q), err)
	}
}
