package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"incidentd/workflow"
	"incidentd/workflow/identity"
	"incidentd/workflow/store"
	"incidentd/workflow/token"
)

var (
	t0    = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	roles = workflow.Roles{Domains: []string{"example.com"}, Evaluators: []string{"alice@example.com"},
		Resolvers: []string{"bob@example.com"}, Validators: []string{workflow.ReporterMember}, Admins: []string{"ops@example.com"}}
)

// fixture is a store, a clock the test moves, and the jobs reading both.
type fixture struct {
	t      *testing.T
	store  *store.Store
	now    time.Time
	jobs   *Jobs
	wakeup int
	onNow  func() // called each time the jobs read the clock, when set
}

func newFixture(t *testing.T) *fixture {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "db.sqlite"), filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{t: t, store: st, now: t0}
	key, err := token.New([]byte("a test secret of enough bytes"))
	if err != nil {
		t.Fatal(err)
	}
	f.jobs, err = New(Options{Store: st, Roles: roles, Identity: identity.New(key, "incidents@example.com"),
		Deadlines: workflow.Deadlines{workflow.PriorityHigh: 24 * time.Hour}, AutoCloseAfter: 14 * 24 * time.Hour,
		Now: func() time.Time {
			if f.onNow != nil {
				f.onNow()
			}
			return f.now
		}, Queued: func() { f.wakeup++ }})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) update(fn func(tx *store.Tx) error) {
	f.t.Helper()
	if err := f.store.Update(context.Background(), fn); err != nil {
		f.t.Fatal(err)
	}
}

// report creates an incident of priority at f.now, as the intake would.
func (f *fixture) report(priority workflow.Priority) int64 {
	inc := workflow.Incident{Title: "Invoices fail", Reporter: "carol@example.com",
		Fields: workflow.Fields{Type: workflow.TypeError, Priority: priority}, Created: f.now, Updated: f.now}
	f.update(func(tx *store.Tx) error {
		if err := tx.CreateIncident(&inc); err != nil {
			return err
		}
		res := workflow.Report(inc, workflow.Input{Actor: inc.Reporter, MessageID: "report@example.com", At: f.now}, nil, roles)
		if err := tx.SaveIncident(res.Incident); err != nil {
			return err
		}
		res.Event.IncidentID = inc.ID
		if err := tx.AppendEvent(res.Event); err != nil {
			return err
		}
		return tx.LinkMessage("report@example.com", inc.ID)
	})
	return inc.ID
}

// move applies actor's command verb to incident id at at, as the intake
// would.
func (f *fixture) move(id int64, actor string, verb workflow.Verb, at time.Time) {
	f.t.Helper()
	f.update(func(tx *store.Tx) error {
		inc, err := tx.Incident(id)
		if err != nil {
			return err
		}
		res, err := workflow.Transition(inc, workflow.Input{Actor: actor, At: at, Command: workflow.Command{Verb: verb}}, roles)
		if err != nil {
			return err
		}
		if err := tx.SaveIncident(res.Incident); err != nil {
			return err
		}
		return tx.AppendEvent(res.Event)
	})
}

func (f *fixture) remindAt(at time.Duration) int {
	f.t.Helper()
	f.now = t0.Add(at)
	n, err := f.jobs.Remind(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// outbox lists the queued mails, oldest first.
func (f *fixture) outbox() []store.Outgoing {
	var out []store.Outgoing
	f.update(func(tx *store.Tx) (err error) {
		out, err = tx.Outbox("")
		return err
	})
	slices.Reverse(out)
	return out
}

func TestRemindAndEscalate(t *testing.T) {
	h := time.Hour
	f := newFixture(t)
	id := f.report(workflow.PriorityHigh)
	f.report(workflow.PriorityLow) // no deadline: never reminded of

	if n := f.remindAt(23 * h); n != 0 {
		t.Fatalf("before the deadline: %d mails", n)
	}
	if n := f.remindAt(25 * h); n != 1 {
		t.Fatalf("past the deadline: %d mails, want 1", n)
	}
	out := f.outbox()
	first := out[0]
	if first.Recipient != "alice@example.com" || first.Notice.Kind != workflow.NoticeReminder || first.IncidentID != id ||
		!slices.Equal(first.References, []string{"report@example.com"}) || first.Notice.Overdue.Waited != workflow.SecondsOf(25*h) {
		t.Fatalf("reminder %+v", first)
	}
	if n := f.remindAt(25 * h); n != 0 {
		t.Fatalf("the same run again queued %d mails", n)
	}
	if n := f.remindAt(48 * h); n != 0 {
		t.Fatalf("less than a deadline after the reminder: %d mails", n)
	}
	if n := f.remindAt(49 * h); n != 2 {
		t.Fatalf("past twice the deadline: %d mails, want a reminder and an escalation", n)
	}
	out = f.outbox()
	if len(out) != 3 || out[1].Recipient != "alice@example.com" || out[2].Recipient != "ops@example.com" ||
		out[2].Notice.Kind != workflow.NoticeEscalation {
		t.Fatalf("outbox %+v", out)
	}
	if want := []string{"report@example.com", first.MessageID}; !slices.Equal(out[2].References, want) {
		t.Errorf("escalation references %v, want %v (threaded after the last reminder)", out[2].References, want)
	}
	f.update(func(tx *store.Tx) error {
		got, ok, err := tx.IncidentForMessages([]string{out[2].MessageID})
		if err != nil || !ok || got != id {
			t.Errorf("a reply to the escalation must find INC-%d: %d %v %v", id, got, ok, err)
		}
		hist, err := tx.Events(id)
		var kinds []workflow.EventKind
		for _, ev := range hist {
			kinds = append(kinds, ev.Kind)
		}
		want := []workflow.EventKind{workflow.EventReported, workflow.EventReminded, workflow.EventReminded, workflow.EventEscalated}
		if !slices.Equal(kinds, want) {
			t.Errorf("history %v, want %v", kinds, want)
		}
		return err
	})

	// Accepted: the clock of the new state starts at the acceptance.
	f.move(id, "alice@example.com", workflow.Accept, t0.Add(50*h))
	if n := f.remindAt(73 * h); n != 0 {
		t.Fatalf("23h after acceptance: %d mails", n)
	}
	if n := f.remindAt(74 * h); n != 1 || f.outbox()[3].Recipient != "bob@example.com" {
		t.Fatalf("a day after acceptance: %d mails, want one to the resolver", n)
	}
	if f.wakeup != 3 {
		t.Errorf("Queued called %d times, want once per run that queued mail (3)", f.wakeup)
	}
}

// TestDigestEqualsMetrics: the digest carries exactly the numbers the
// store computes for the same period (those of `incidentd stats -json`).
func TestDigestEqualsMetrics(t *testing.T) {
	f := newFixture(t)
	f.report(workflow.PriorityHigh)
	f.now = t0.Add(6 * 24 * time.Hour)
	f.report(workflow.PriorityLow)
	f.now = t0.Add(8 * 24 * time.Hour)
	n, err := f.jobs.Digest(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("digest: %d mails, %v", n, err)
	}
	o := f.outbox()[0]
	if o.Recipient != "ops@example.com" || o.Notice.Kind != workflow.NoticeDigest || o.Notice.Metrics == nil {
		t.Fatalf("digest mail %+v", o)
	}
	p := f.jobs.DigestPeriod()
	var want workflow.Metrics
	f.update(func(tx *store.Tx) (err error) {
		want, err = tx.Metrics(p, workflow.DefaultReasonCategories(), workflow.Form{}, workflow.Roles{})
		return err
	})
	got, _ := json.Marshal(o.Notice.Metrics)
	wantJSON, _ := json.Marshal(want)
	if !bytes.Equal(got, wantJSON) {
		t.Errorf("digest numbers\n%s\nwant\n%s", got, wantJSON)
	}
	if o.Notice.Metrics.Reported != 1 || o.Notice.Metrics.Before.Reported != 1 {
		t.Errorf("one report in the week, one in the week before: %+v", o.Notice.Metrics.Figures)
	}
	if n, _ := f.jobs.Digest(context.Background()); n != 1 || len(f.outbox()) != 1 {
		t.Errorf("the same digest run twice must queue one mail, outbox has %d", len(f.outbox()))
	}
}
