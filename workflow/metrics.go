package workflow

import (
	"slices"
	"time"
)

// Period is the half-open interval [From, To). A zero From means since the
// beginning.
type Period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// In reports whether t falls in p.
func (p Period) In(t time.Time) bool {
	return !t.Before(p.From) && t.Before(p.To)
}

// Previous is the period of the same length just before p; the zero
// Period when p has no beginning.
func (p Period) Previous() Period {
	if p.From.IsZero() {
		return Period{}
	}
	return Period{From: p.From.Add(-p.To.Sub(p.From)), To: p.From}
}

// Metrics are the organization's numbers over one period (SPEC §1): what
// happened in it, overall and by type, priority and system; how it
// compares with the period before; and what was still waiting at its end.
type Metrics struct {
	Period Period `json:"period"`
	Figures
	ByType     Groups `json:"by_type"`
	ByPriority Groups `json:"by_priority"`
	BySystem   Groups `json:"by_system"` // "" for incidents naming no system
	// ByField groups by each choice field of the organization's own form
	// (byChoices); empty without one.
	ByField []FieldGroups `json:"by_field,omitempty"`
	// ByRoute groups by route (byRoute in route.go); empty when no route
	// is configured.
	ByRoute Groups `json:"by_route,omitempty"`
	// Before are the figures of the previous period of the same length;
	// nil when the period has no beginning.
	Before *Figures `json:"before,omitempty"`
	// Waiting counts, per state that is not final, the incidents in it at
	// the end of the period.
	Waiting Counts `json:"waiting"`
}

// Figures are the counts and stage times of one period. Counts are events
// of the period: an incident resolved, reopened and resolved again counts
// twice in Resolved.
type Figures struct {
	Reported   int    `json:"reported"`
	Accepted   int    `json:"accepted"`
	Rejected   int    `json:"rejected"`
	RejectedBy Counts `json:"rejected_by"` // per reason category, "other" last
	Resolved   int    `json:"resolved"`
	Reopened   int    `json:"reopened"`
	Closed     int    `json:"closed"`
	// Stage times, over the incidents whose stage ended in the period:
	// report to first accept or reject (evaluate), first accept to first
	// resolution (resolve), report to closing (close).
	Evaluate Stage `json:"time_to_evaluate"`
	Resolve  Stage `json:"time_to_resolve"`
	Close    Stage `json:"time_to_close"`
}

// Stage summarises how long one stage took: the median (the mean of the
// two middle values when the count is even) and the 90th percentile
// (nearest rank). Zero when Count is zero.
type Stage struct {
	Count  int     `json:"count"`
	Median Seconds `json:"median_seconds"`
	P90    Seconds `json:"p90_seconds"`
}

// Count is a number with what it counts.
type Count struct {
	Key string `json:"key"`
	N   int    `json:"n"`
}

// Counts is an ordered list of counts.
type Counts []Count

// Group is the figures of the incidents sharing one type, priority or
// system.
type Group struct {
	Key string `json:"key"`
	Figures
}

// Groups are the groups of one dimension, in a stable order.
type Groups []Group

// FieldGroups are the groups of one choice field: one per value held,
// the field's choices first in their order, then any other value stored
// (a choice since removed) and "" for none.
type FieldGroups struct {
	Field  string `json:"field"`
	Groups Groups `json:"groups"`
}

// Measure computes the metrics of period p over incidents and their
// histories (events of any incidents, each incident's in the order
// appended), with rejection reasons grouped by cats. Incidents are grouped
// by their current type, priority and system, by each choice field of
// form's own, and by route when roles has routes.
func Measure(incidents []Incident, events []Event, p Period, cats []ReasonCategory, form Form, roles Roles) Metrics {
	histories := historiesOf(events)
	all := func(Incident) bool { return true }
	m := Metrics{Period: p, Figures: figures(incidents, histories, p, cats, all)}
	if prev := p.Previous(); !prev.From.IsZero() {
		before := figures(incidents, histories, prev, cats, all)
		m.Before = &before
	}
	var systems []string
	for _, inc := range incidents {
		if !slices.Contains(systems, inc.System) {
			systems = append(systems, inc.System)
		}
	}
	slices.Sort(systems)
	group := func(keys []string, key func(Incident) string) Groups {
		return groupBy(incidents, histories, p, cats, keys, key)
	}
	m.ByType = group([]string{string(TypeError), string(TypeImprovement), string(TypeFeature), string(TypeTask)},
		func(inc Incident) string { return string(inc.Type) })
	m.ByPriority = group([]string{string(PriorityCritical), string(PriorityHigh), string(PriorityMedium), string(PriorityLow)},
		func(inc Incident) string { return string(inc.Priority) })
	m.BySystem = group(systems, func(inc Incident) string { return inc.System })
	m.ByField = byChoices(incidents, histories, p, cats, form)
	m.ByRoute = byRoute(incidents, histories, p, cats, roles)
	for _, s := range States {
		if !s.Final() {
			m.Waiting = append(m.Waiting, Count{Key: string(s)})
		}
	}
	for _, inc := range incidents {
		if s := stateAt(histories[inc.ID], p.To); s != "" && !s.Final() {
			m.Waiting[slices.IndexFunc(m.Waiting, func(c Count) bool { return c.Key == string(s) })].N++
		}
	}
	return m
}

// byChoices groups the figures of period p (see Measure) by each choice
// field of form's own.
func byChoices(incidents []Incident, histories map[int64][]Event, p Period, cats []ReasonCategory, form Form) []FieldGroups {
	var out []FieldGroups
	for _, d := range form.Own() {
		if d.Kind != FieldChoice {
			continue
		}
		var keys []string
		for _, c := range d.Choices {
			keys = append(keys, c.Value)
		}
		var others []string
		for _, inc := range incidents {
			if v := inc.Values[d.Name]; v != "" && !slices.Contains(keys, v) && !slices.Contains(others, v) {
				others = append(others, v)
			}
		}
		slices.Sort(others)
		keys = append(append(keys, others...), "")
		out = append(out, FieldGroups{Field: d.Name, Groups: groupBy(incidents, histories, p, cats, keys,
			func(inc Incident) string { return inc.Values[d.Name] })})
	}
	return out
}

// historiesOf sorts events by incident, each incident's in the order
// given.
func historiesOf(events []Event) map[int64][]Event {
	histories := map[int64][]Event{}
	for _, ev := range events {
		histories[ev.IncidentID] = append(histories[ev.IncidentID], ev)
	}
	return histories
}

// groupBy computes the figures of the incidents whose key is each of
// keys, leaving out the groups where nothing happened.
func groupBy(incidents []Incident, histories map[int64][]Event, p Period, cats []ReasonCategory, keys []string, key func(Incident) string) Groups {
	var out Groups
	for _, k := range keys {
		f := figures(incidents, histories, p, cats, func(inc Incident) bool { return key(inc) == k })
		if f.active() {
			out = append(out, Group{Key: k, Figures: f})
		}
	}
	return out
}

// stateAt is the state an incident's history left it in before t; "" when
// it was not yet reported.
func stateAt(history []Event, t time.Time) State {
	var s State
	for _, ev := range history {
		if !ev.At.Before(t) {
			break
		}
		if ev.From != ev.To {
			s = ev.To
		}
	}
	return s
}

// figures computes the figures of p over the incidents keep selects.
func figures(incidents []Incident, histories map[int64][]Event, p Period, cats []ReasonCategory, keep func(Incident) bool) Figures {
	var f Figures
	for _, c := range cats {
		f.RejectedBy = append(f.RejectedBy, Count{Key: c.Name})
	}
	f.RejectedBy = append(f.RejectedBy, Count{Key: OtherReason})
	var times StageTimes
	for _, inc := range incidents {
		if keep(inc) {
			tally(histories[inc.ID], p, cats, &f, &times)
		}
	}
	f.Evaluate, f.Resolve, f.Close = stage(times.Evaluate), stage(times.Resolve), stage(times.Close)
	return f
}

// StageTimes are the durations of each stage (see Figures) that ended in
// a period, in no particular order.
type StageTimes struct {
	Evaluate, Resolve, Close []time.Duration
}

// MeasureStages collects the stage durations that ended in p from events
// (any incidents', each incident's in the order appended).
func MeasureStages(events []Event, p Period) StageTimes {
	histories := historiesOf(events)
	var times StageTimes
	var f Figures
	f.RejectedBy = Counts{{Key: OtherReason}}
	for _, h := range histories {
		tally(h, p, nil, &f, &times)
	}
	return times
}

// tally adds one incident's history to the counts of f and the durations
// of times.
func tally(history []Event, p Period, cats []ReasonCategory, f *Figures, times *StageTimes) {
	var reported, evaluated, accepted, resolved time.Time
	span := func(ds []time.Duration, from, to time.Time) []time.Duration {
		if from.IsZero() || !p.In(to) {
			return ds
		}
		return append(ds, to.Sub(from))
	}
	for _, ev := range history {
		in := p.In(ev.At)
		switch ev.Kind {
		case EventReported:
			reported = ev.At
			f.Reported += b2i(in)
		case EventAccepted, EventRejected:
			if evaluated.IsZero() {
				evaluated = ev.At
				times.Evaluate = span(times.Evaluate, reported, ev.At)
			}
			if ev.Kind == EventAccepted {
				f.Accepted += b2i(in)
				if accepted.IsZero() {
					accepted = ev.At
				}
			} else if in {
				f.Rejected++
				cat := Categorize(ev.Text, cats)
				f.RejectedBy[slices.IndexFunc(f.RejectedBy, func(c Count) bool { return c.Key == cat })].N++
			}
		case EventResolved:
			f.Resolved += b2i(in)
			if resolved.IsZero() {
				resolved = ev.At
				times.Resolve = span(times.Resolve, accepted, ev.At)
			}
		case EventReopened:
			f.Reopened += b2i(in)
		}
		// A confirmation closes an incident; so do a resolution when
		// nobody validates, and the closing of one left unvalidated.
		if ev.To == Closed && ev.From != Closed {
			f.Closed += b2i(in)
			times.Close = span(times.Close, reported, ev.At)
		}
	}
}

// active reports whether anything happened.
func (f Figures) active() bool {
	return f.Reported+f.Accepted+f.Rejected+f.Resolved+f.Reopened+f.Closed > 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func stage(ds []time.Duration) Stage {
	if len(ds) == 0 {
		return Stage{}
	}
	slices.Sort(ds)
	n, mid := len(ds), len(ds)/2
	median := ds[mid]
	if n%2 == 0 {
		median = ds[mid-1] + (ds[mid]-ds[mid-1])/2
	}
	rank := (9*n + 9) / 10 // ceil(0.9 n)
	return Stage{Count: n, Median: SecondsOf(median), P90: SecondsOf(ds[rank-1])}
}
