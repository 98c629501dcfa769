package workflow

import (
	"slices"
	"testing"
	"time"
)

func TestAutoClose(t *testing.T) {
	d := 24 * time.Hour
	resolvedAt := t0.Add(-15 * d)
	history := []Event{
		{Kind: EventReported, To: Reported, At: t0.Add(-20 * d)},
		{Kind: EventAccepted, From: Reported, To: InResolution, At: t0.Add(-19 * d)},
		{Kind: EventResolved, From: InResolution, To: Resolved, At: resolvedAt},
		{Kind: EventReminded, From: Resolved, To: Resolved, At: t0.Add(-10 * d)},
	}
	s := StaleOf(incident(Resolved), history)
	r := roles
	r.Validators = []string{ReporterMember, "qa@example.com"}

	if _, ok := AutoClose(s, 16*d, r, "incidents@example.com", t0); ok {
		t.Error("closed before the time allowed")
	}
	if _, ok := AutoClose(s, 0, r, "incidents@example.com", t0); ok {
		t.Error("closed with auto-closing off")
	}
	res, ok := AutoClose(s, 14*d, r, "incidents@example.com", t0)
	if !ok {
		t.Fatal("not closed 15 days after its resolution, with 14 allowed")
	}
	ev := res.Event
	if res.Incident.State != Closed || !res.Incident.Updated.Equal(t0) || ev.Kind != EventAutoClosed || ev.From != Resolved ||
		ev.To != Closed || ev.Actor != "incidents@example.com" || ev.IncidentID != 7 || ev.Text != "not validated within 14d (resolved 15d ago)" {
		t.Fatalf("incident %s, event %+v", res.Incident.State, ev)
	}
	if len(res.Notices) != 1 {
		t.Fatalf("notices %+v", res.Notices)
	}
	n := res.Notices[0]
	want := []string{"carol@example.com", "qa@example.com"}
	if n.Kind != NoticeAutoClosed || !slices.Equal(n.To, want) || n.Incident.State != Closed || n.Overdue == nil ||
		!n.Overdue.Since.Equal(resolvedAt) || n.Overdue.Deadline != SecondsOf(14*d) || n.Overdue.Waited != SecondsOf(15*d) {
		t.Errorf("notice %+v", n)
	}

	// Closed, the incident is left alone: a second run does nothing.
	again := StaleOf(res.Incident, append(history, ev))
	if _, ok := AutoClose(again, 14*d, r, "incidents@example.com", t0.Add(time.Hour)); ok {
		t.Error("a closed incident was closed again")
	}
	// Reopened and resolved again: the time counts from the new resolution.
	later := append(slices.Clone(history),
		Event{Kind: EventReopened, From: Resolved, To: InResolution, At: t0.Add(-5 * d)},
		Event{Kind: EventResolved, From: InResolution, To: Resolved, At: t0.Add(-4 * d)})
	if _, ok := AutoClose(StaleOf(incident(Resolved), later), 14*d, r, "incidents@example.com", t0); ok {
		t.Error("closed 4 days after its second resolution")
	}
}
