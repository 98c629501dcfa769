package workflow

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// knownHistory is a week of incidents: period [t0, t0+7d) and the week
// before it.
func knownHistory() ([]Incident, []Event) {
	h, d := time.Hour, 24*time.Hour
	var incs []Incident
	var evs []Event
	add := func(id int64, typ Type, prio Priority, system string, state State, steps ...Event) {
		incs = append(incs, Incident{ID: id, Fields: Fields{Type: typ, Priority: prio, System: system}, State: state})
		for _, ev := range steps {
			ev.IncidentID = id
			evs = append(evs, ev)
		}
	}
	ev := func(kind EventKind, from, to State, at time.Duration, text string) Event {
		return Event{Kind: kind, From: from, To: to, At: t0.Add(at), Text: text}
	}
	rep := func(at time.Duration) Event { return ev(EventReported, "", Reported, at, "") }
	acc := func(at time.Duration) Event { return ev(EventAccepted, Reported, InResolution, at, "") }
	rej := func(at time.Duration, why string) Event { return ev(EventRejected, Reported, Rejected, at, why) }
	res := func(at time.Duration) Event { return ev(EventResolved, InResolution, Resolved, at, "done") }
	add(1, TypeError, PriorityHigh, "billing", Closed, rep(-2*d), acc(-d), res(d), ev(EventConfirmed, Resolved, Closed, 2*d, ""))
	add(2, TypeError, PriorityCritical, "billing", Rejected, rep(h), rej(3*h, "Duplicado de INC-1"))
	add(3, TypeImprovement, PriorityMedium, "", Resolved, rep(2*h), acc(4*h),
		ev(EventComment, InResolution, InResolution, 5*h, "working on it"), res(d),
		ev(EventReopened, Resolved, InResolution, 2*d, "still broken"), res(3*d))
	add(4, TypeTask, PriorityLow, "portal", Rejected, rep(d), rej(d+10*h, "Cannot  reproduce on staging"))
	add(5, TypeFeature, PriorityMedium, "portal", Rejected, rep(3*d), rej(3*d+h, "no tiene sentido"))
	add(6, TypeError, PriorityHigh, "portal", Reported, rep(8*d))
	add(7, TypeError, PriorityMedium, "billing", Reported, rep(5*d))
	return incs, evs
}

func TestMeasureKnownHistory(t *testing.T) {
	h, d := time.Hour, 24*time.Hour
	incs, evs := knownHistory()
	m := Measure(incs, evs, Period{From: t0, To: t0.Add(7 * d)}, DefaultReasonCategories(), Form{}, Roles{})

	want := Figures{Reported: 5, Accepted: 1, Rejected: 3, Resolved: 3, Reopened: 1, Closed: 1,
		Evaluate: Stage{4, SecondsOf(2 * h), SecondsOf(10 * h)},
		Resolve:  Stage{2, SecondsOf(34 * h), SecondsOf(48 * h)},
		Close:    Stage{1, SecondsOf(4 * d), SecondsOf(4 * d)}}
	got := m.Figures
	got.RejectedBy = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("figures\n got %+v\nwant %+v", got, want)
	}
	wantBy := Counts{{"duplicate", 1}, {"already_known", 0}, {"cannot_reproduce", 1}, {"will_not_do", 0}, {"other", 1}}
	if !slices.Equal(m.RejectedBy, wantBy) {
		t.Errorf("rejected by %v, want %v", m.RejectedBy, wantBy)
	}
	if m.Before == nil || m.Before.Reported != 1 || m.Before.Accepted != 1 || m.Before.Evaluate.Median != SecondsOf(d) || m.Before.Closed != 0 {
		t.Errorf("previous period %+v", m.Before)
	}
	if want := (Counts{{"reported", 1}, {"in_resolution", 0}, {"info_requested", 0}, {"resolved", 1}}); !slices.Equal(m.Waiting, want) {
		t.Errorf("waiting %v, want %v", m.Waiting, want)
	}
	keys := func(gs Groups) (out []string) {
		for _, g := range gs {
			out = append(out, g.Key)
		}
		return out
	}
	for _, c := range []struct {
		name string
		gs   Groups
		want []string
	}{
		{"type", m.ByType, []string{"error", "improvement", "feature", "task"}},
		{"priority", m.ByPriority, []string{"critical", "high", "medium", "low"}},
		{"system", m.BySystem, []string{"", "billing", "portal"}},
	} {
		if got := keys(c.gs); !slices.Equal(got, c.want) {
			t.Errorf("by %s: %v, want %v", c.name, got, c.want)
		}
	}
	billing := m.BySystem[1]
	if billing.Reported != 2 || billing.Rejected != 1 || billing.Resolved != 1 || billing.Closed != 1 || billing.Close.Median != SecondsOf(4*d) {
		t.Errorf("billing %+v", billing.Figures)
	}
	if medium := m.ByPriority[2]; medium.Reported != 3 || medium.Resolved != 2 || medium.Reopened != 1 {
		t.Errorf("medium %+v", medium.Figures)
	}
}

func TestMeasureAllTime(t *testing.T) {
	incs, evs := knownHistory()
	m := Measure(incs, evs, Period{To: t0.Add(100 * 24 * time.Hour)}, nil, Form{}, Roles{})
	if m.Reported != 7 || m.Before != nil {
		t.Errorf("all time: reported %d, before %+v", m.Reported, m.Before)
	}
	if !slices.Equal(m.RejectedBy, Counts{{"other", 3}}) {
		t.Errorf("without categories every reason is other: %v", m.RejectedBy)
	}
}

func TestMeasureEmpty(t *testing.T) {
	m := Measure(nil, nil, Period{From: t0, To: t0.Add(time.Hour)}, DefaultReasonCategories(), Form{}, Roles{})
	if m.Figures.active() || m.ByType != nil || m.Evaluate != (Stage{}) {
		t.Errorf("empty: %+v", m)
	}
}

func TestCategorize(t *testing.T) {
	cats := DefaultReasonCategories()
	for reason, want := range map[string]string{
		"DUPLICADO de INC-4":                      "duplicate",
		"Duplicate of INC-9":                      "duplicate",
		"Es un problema ya conocido":              "already_known",
		"Known issue, see the wiki":               "already_known",
		"Won’t fix: not worth the effort":         "will_not_do",
		"No se hará, está fuera de alcance":       "will_not_do",
		"No se puede reproducir en preproducción": "cannot_reproduce",
		"Could not reproduce it":                  "cannot_reproduce",
		"El usuario se equivocó de botón":         "other",
		"":                                        "other",
	} {
		if got := Categorize(reason, cats); got != want {
			t.Errorf("Categorize(%q) = %s, want %s", reason, got, want)
		}
	}
	custom := []ReasonCategory{{Name: "spam", Keywords: []string{"publicidad"}}}
	if got := Categorize("Es PUBLICIDAD", custom); got != "spam" {
		t.Errorf("custom category: %s", got)
	}
}

func TestSecondsString(t *testing.T) {
	if SecondsOf(50*time.Hour).String() != "2d 2h" || Seconds(90).String() != "1m" || Seconds(0).String() != "0s" {
		t.Errorf("seconds strings: %s %s %s", SecondsOf(50*time.Hour), Seconds(90), Seconds(0))
	}
}

// TestClosingWithoutConfirmation: an incident closed by its resolution
// (validation = "none") counts as resolved and closed, and its time to
// close is measured, as a confirmed one's is.
func TestClosingWithoutConfirmation(t *testing.T) {
	h := time.Hour
	evs := []Event{
		{IncidentID: 1, Kind: EventReported, To: Reported, At: t0},
		{IncidentID: 1, Kind: EventAccepted, From: Reported, To: InResolution, At: t0.Add(h)},
		{IncidentID: 1, Kind: EventResolved, From: InResolution, To: Closed, At: t0.Add(3 * h)},
	}
	m := Measure([]Incident{{ID: 1, State: Closed}}, evs, Period{From: t0, To: t0.Add(24 * h)}, nil, Form{}, Roles{})
	if m.Resolved != 1 || m.Closed != 1 || m.Close.Median != SecondsOf(3*h) {
		t.Errorf("figures %+v", m.Figures)
	}
}
