package workflow

import (
	"slices"
	"testing"
	"time"
)

var deadlines = Deadlines{PriorityCritical: 4 * time.Hour, PriorityHigh: 24 * time.Hour, PriorityMedium: 72 * time.Hour}

// stale is an incident in state, of priority high (deadline one day), that
// entered its state at t0.
func stale(state State, last time.Time) Stale {
	inc := incident(state)
	inc.Priority, inc.AcceptedBy = PriorityHigh, "dave@example.com"
	return Stale{Incident: inc, Entered: t0, LastReminder: last}
}

func kinds(ns []Notice) map[NoticeKind][]string {
	out := map[NoticeKind][]string{}
	for _, n := range ns {
		out[n.Kind] = n.To
	}
	return out
}

// TestRemindWhoMustAct: past its deadline, each waiting state reminds the
// people who act on it now, and no one else.
func TestRemindWhoMustAct(t *testing.T) {
	for state, want := range map[State][]string{
		Reported:      {"alice@example.com"},
		InResolution:  {"bob@example.com"},
		InfoRequested: {"dave@example.com"}, // the evaluator who was asked, not every evaluator
		Resolved:      {"carol@example.com"},
	} {
		got := Remind(stale(state, time.Time{}), deadlines, roles, t0.Add(25*time.Hour))
		if len(got) != 1 || got[0].Kind != NoticeReminder || !slices.Equal(got[0].To, want) {
			t.Errorf("%s: got %+v, want one reminder to %v", state, got, want)
			continue
		}
		o := got[0].Overdue
		if o == nil || o.Waited != SecondsOf(25*time.Hour) || o.Deadline != SecondsOf(24*time.Hour) || !o.Since.Equal(t0) {
			t.Errorf("%s: overdue %+v", state, o)
		}
		if got[0].Incident.ID != 7 {
			t.Errorf("%s: the notice must carry the incident, got %+v", state, got[0].Incident)
		}
	}
}

func TestRemindRules(t *testing.T) {
	h := time.Hour
	cases := []struct {
		name  string
		s     Stale
		now   time.Time
		kinds map[NoticeKind][]string
	}{
		{"before the deadline", stale(Reported, time.Time{}), t0.Add(24*h - time.Second), map[NoticeKind][]string{}},
		{"at the deadline", stale(Reported, time.Time{}), t0.Add(24 * h),
			map[NoticeKind][]string{NoticeReminder: {"alice@example.com"}}},
		{"reminded less than a deadline ago", stale(Reported, t0.Add(30*h)), t0.Add(40 * h), map[NoticeKind][]string{}},
		{"reminded exactly a deadline ago", stale(Reported, t0.Add(25*h)), t0.Add(49 * h),
			map[NoticeKind][]string{NoticeReminder: {"alice@example.com"}, NoticeEscalation: {"ops@example.com"}}},
		{"reminded in an earlier state", stale(InResolution, t0.Add(-h)), t0.Add(25 * h),
			map[NoticeKind][]string{NoticeReminder: {"bob@example.com"}}},
		{"just under twice the deadline", stale(Reported, time.Time{}), t0.Add(48*h - time.Second),
			map[NoticeKind][]string{NoticeReminder: {"alice@example.com"}}},
		{"twice the deadline escalates", stale(Resolved, time.Time{}), t0.Add(48 * h),
			map[NoticeKind][]string{NoticeReminder: {"carol@example.com"}, NoticeEscalation: {"ops@example.com"}}},
		{"escalated less than a deadline ago", stale(Resolved, t0.Add(48*h)), t0.Add(71 * h), map[NoticeKind][]string{}},
		{"escalates again a deadline later", stale(Resolved, t0.Add(48*h)), t0.Add(72 * h),
			map[NoticeKind][]string{NoticeReminder: {"carol@example.com"}, NoticeEscalation: {"ops@example.com"}}},
		{"final incidents wait for no one", stale(Closed, time.Time{}), t0.Add(1000 * h), map[NoticeKind][]string{}},
		{"rejected incidents wait for no one", stale(Rejected, time.Time{}), t0.Add(1000 * h), map[NoticeKind][]string{}},
	}
	for _, c := range cases {
		got := kinds(Remind(c.s, deadlines, roles, c.now))
		if len(got) != len(c.kinds) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.kinds)
			continue
		}
		for k, to := range c.kinds {
			if !slices.Equal(got[k], to) {
				t.Errorf("%s: %s to %v, want %v", c.name, k, got[k], to)
			}
		}
	}
}

func TestRemindPerPriority(t *testing.T) {
	s := stale(Reported, time.Time{})
	s.Incident.Priority = PriorityCritical
	if got := Remind(s, deadlines, roles, t0.Add(4*time.Hour)); len(got) != 1 {
		t.Errorf("critical after 4h: got %v, want a reminder", kinds(got))
	}
	s.Incident.Priority = PriorityMedium
	if got := Remind(s, deadlines, roles, t0.Add(71*time.Hour)); len(got) != 0 {
		t.Errorf("medium after 71h: got %v, want nothing", kinds(got))
	}
	s.Incident.Priority = PriorityLow // no deadline configured
	if got := Remind(s, deadlines, roles, t0.Add(10000*time.Hour)); len(got) != 0 {
		t.Errorf("a priority without deadline: got %v, want nothing", kinds(got))
	}
}

func TestEscalationNamesTheActors(t *testing.T) {
	got := Remind(stale(InResolution, time.Time{}), deadlines, roles, t0.Add(50*time.Hour))
	esc := got[slices.IndexFunc(got, func(n Notice) bool { return n.Kind == NoticeEscalation })]
	if !slices.Equal(esc.Overdue.Actors, []string{"bob@example.com"}) {
		t.Errorf("escalation must say who should act, got %+v", esc.Overdue)
	}
}

func TestEntered(t *testing.T) {
	h := time.Hour
	inc := incident(InResolution)
	inc.Created = t0
	history := []Event{
		{Kind: EventReported, To: Reported, At: t0},
		{Kind: EventAccepted, From: Reported, To: InResolution, At: t0.Add(h)},
		{Kind: EventInfoRequested, From: InResolution, To: InfoRequested, At: t0.Add(2 * h)},
		{Kind: EventInfoAnswered, From: InfoRequested, To: InResolution, At: t0.Add(3 * h)},
		{Kind: EventComment, From: InResolution, To: InResolution, At: t0.Add(4 * h)},
		{Kind: EventUpdated, From: InResolution, To: InResolution, At: t0.Add(5 * h)},
	}
	if got := Entered(inc, history); !got.Equal(t0.Add(3 * h)) {
		t.Errorf("entered %v, want the answer at +3h (comments and corrections do not count)", got.Sub(t0))
	}
	if got := Entered(incident(Reported), history[:1]); !got.Equal(t0) {
		t.Errorf("reported: entered %v, want t0", got)
	}
	inc.State = Resolved
	inc.Created = t0.Add(-h)
	if got := Entered(inc, nil); !got.Equal(inc.Created) {
		t.Errorf("without history: entered %v, want the creation time", got)
	}
}

// TestRemindedHistory: the events recording reminders feed back into the
// next decision, and do not count as entering a state.
func TestRemindedHistory(t *testing.T) {
	inc := incident(Reported)
	inc.Priority = PriorityHigh
	history := []Event{{Kind: EventReported, To: Reported, At: t0}}
	now := t0.Add(25 * time.Hour)
	ns := Remind(StaleOf(inc, history), deadlines, roles, now)
	if len(ns) != 1 {
		t.Fatalf("want one reminder, got %v", kinds(ns))
	}
	ev := RemindedEvent(ns[0], "incidents@example.com", now)
	if ev.Kind != EventReminded || ev.From != Reported || ev.To != Reported || ev.IncidentID != 7 ||
		ev.Text != "alice@example.com (waiting 1d 1h; deadline 1d)" {
		t.Fatalf("event %+v", ev)
	}
	history = append(history, ev)
	s := StaleOf(inc, history)
	if !s.Entered.Equal(t0) || !s.LastReminder.Equal(now) {
		t.Fatalf("stale %+v", s)
	}
	if ns := Remind(s, deadlines, roles, now.Add(23*time.Hour)); len(ns) != 0 {
		t.Errorf("reminded again within the period: %v", kinds(ns))
	}
	ns = Remind(s, deadlines, roles, now.Add(24*time.Hour))
	if got := kinds(ns); len(got[NoticeEscalation]) != 1 {
		t.Errorf("a period later, past twice the deadline: %v", got)
	}
	if RemindedEvent(ns[1], "", now).Kind != EventEscalated {
		t.Errorf("escalation event kind")
	}
}
