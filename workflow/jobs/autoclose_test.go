package jobs

import (
	"context"
	"slices"
	"testing"
	"time"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// resolved reports an incident and has it accepted and resolved at at.
func (f *fixture) resolved(at time.Time) int64 {
	f.t.Helper()
	id := f.report(workflow.PriorityLow)
	f.move(id, "alice@example.com", workflow.Accept, at)
	f.move(id, "bob@example.com", workflow.Resolve, at)
	return id
}

// autoClosed counts the auto_closed events of incident id's history.
func (f *fixture) autoClosed(id int64) int {
	f.t.Helper()
	n := 0
	f.update(func(tx *store.Tx) error {
		events, err := tx.Events(id)
		for _, ev := range events {
			if ev.Kind == workflow.EventAutoClosed {
				n++
			}
		}
		return err
	})
	return n
}

// TestAutoClose: a resolved incident nobody validated in 14 days is
// closed, once, with the reporter told in the incident's thread.
func TestAutoClose(t *testing.T) {
	d := 24 * time.Hour
	f := newFixture(t)
	id := f.resolved(t0)
	open := f.report(workflow.PriorityLow) // not resolved: never closed

	f.now = t0.Add(14*d - time.Minute)
	if n, err := f.jobs.AutoClose(context.Background()); err != nil || n != 0 {
		t.Fatalf("before the time allowed: %d mails, %v", n, err)
	}
	f.now = t0.Add(15 * d)
	if n, err := f.jobs.AutoClose(context.Background()); err != nil || n != 1 {
		t.Fatalf("past the time allowed: %d mails, %v; want one to the reporter", n, err)
	}
	out := f.outbox()
	o := out[0]
	if len(out) != 1 || o.Recipient != "carol@example.com" || o.Notice.Kind != workflow.NoticeAutoClosed || o.IncidentID != id ||
		!slices.Equal(o.References, []string{"report@example.com"}) || o.Notice.Overdue.Deadline != workflow.SecondsOf(14*d) {
		t.Fatalf("outbox %+v", out)
	}
	f.update(func(tx *store.Tx) error {
		inc, err := tx.Incident(id)
		if err != nil || inc.State != workflow.Closed {
			t.Errorf("INC-%d is %s (%v), want closed", id, inc.State, err)
		}
		other, err := tx.Incident(open)
		if err != nil || other.State != workflow.Reported {
			t.Errorf("INC-%d is %s (%v), want it left reported", open, other.State, err)
		}
		return nil
	})
	if n, err := f.jobs.AutoClose(context.Background()); err != nil || n != 0 || len(f.outbox()) != 1 || f.autoClosed(id) != 1 {
		t.Errorf("the job run again: %d mails, %v; outbox %d, history %d closings", n, err, len(f.outbox()), f.autoClosed(id))
	}
}

// TestAutoCloseCutShort: a run stopped between two incidents (the context
// ends inside the second one's transaction) closed the first; the next
// run closes the second; each is closed, and its reporter told, once.
func TestAutoCloseCutShort(t *testing.T) {
	f := newFixture(t)
	first, second := f.resolved(t0), f.resolved(t0)
	f.now = t0.Add(15 * 24 * time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	reads := 0
	f.onNow = func() {
		if reads++; reads == 2 {
			cancel()
		}
	}
	if n, err := f.jobs.AutoClose(ctx); err == nil || n != 1 {
		t.Fatalf("the run cut short: %d mails, %v; want one and an error", n, err)
	}
	f.onNow = nil
	if n, err := f.jobs.AutoClose(context.Background()); err != nil || n != 1 {
		t.Fatalf("the next run: %d mails, %v; want one", n, err)
	}
	if a, b, mails := f.autoClosed(first), f.autoClosed(second), len(f.outbox()); a != 1 || b != 1 || mails != 2 {
		t.Errorf("closings %d and %d, mails %d; want one each", a, b, mails)
	}
}
