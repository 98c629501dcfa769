package store

import (
	"context"
	"reflect"
	"testing"
	"time"

	"incidentd/workflow"
)

// A known history of five incidents; every number of Stats is worked out
// by hand in TestStats.
func TestStats(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	type step struct {
		kind  workflow.EventKind
		after time.Duration
		actor string
		text  string
		to    workflow.State
	}
	histories := []struct {
		typ      workflow.Type
		priority workflow.Priority
		system   string
		state    workflow.State
		steps    []step
	}{
		{workflow.TypeError, workflow.PriorityCritical, "billing", workflow.Closed, []step{
			{workflow.EventReported, 0, "ana@example.com", "", workflow.Reported},
			{workflow.EventAccepted, time.Hour, "eva@example.com", "", workflow.InResolution},
			{workflow.EventResolved, 3 * time.Hour, "rui@example.com", "fixed", workflow.Resolved},
			{workflow.EventReopened, 4 * time.Hour, "ana@example.com", "still empty", workflow.InResolution},
			{workflow.EventResolved, 6 * time.Hour, "rui@example.com", "fixed again", workflow.Resolved},
			{workflow.EventConfirmed, 7 * time.Hour, "ana@example.com", "", workflow.Closed},
		}},
		{workflow.TypeFeature, workflow.PriorityLow, "", workflow.Rejected, []step{
			{workflow.EventReported, 10 * time.Minute, "ana@example.com", "", workflow.Reported},
			{workflow.EventRejected, 30 * time.Minute, "eva@example.com", "duplicate of INC-1", workflow.Rejected},
		}},
		{workflow.TypeError, workflow.PriorityHigh, "billing", workflow.Resolved, []step{
			{workflow.EventReported, 20 * time.Minute, "bo@example.com", "", workflow.Reported},
			{workflow.EventComment, 30 * time.Minute, "bo@example.com", "screenshot attached", workflow.Reported},
			{workflow.EventAccepted, 3*time.Hour + 20*time.Minute, "eva@example.com", "", workflow.InResolution},
			{workflow.EventInfoRequested, 3*time.Hour + 30*time.Minute, "rui@example.com", "which browser?", workflow.InfoRequested},
			{workflow.EventInfoAnswered, 3*time.Hour + 40*time.Minute, "eva@example.com", "Firefox", workflow.InResolution},
			{workflow.EventResolved, 4*time.Hour + 20*time.Minute, "rui@example.com", "done", workflow.Resolved},
		}},
		{workflow.TypeTask, workflow.PriorityMedium, "erp", workflow.Rejected, []step{
			{workflow.EventReported, time.Hour, "bo@example.com", "", workflow.Reported},
			{workflow.EventAccepted, time.Hour + 5*time.Minute, "eva@example.com", "", workflow.InResolution},
			{workflow.EventRejected, 2 * time.Hour, "rui@example.com", "not worth it", workflow.Rejected},
		}},
		{workflow.TypeImprovement, workflow.PriorityMedium, "erp", workflow.Reported, []step{
			{workflow.EventReported, 2 * time.Hour, "bo@example.com", "", workflow.Reported},
		}},
	}
	update(t, s, func(tx *Tx) error {
		ids := make([]int64, len(histories))
		for i, h := range histories {
			inc := newIncident("stats")
			inc.Type, inc.Priority, inc.System, inc.State = h.typ, h.priority, h.system, h.state
			if err := tx.CreateIncident(&inc); err != nil {
				return err
			}
			ids[i] = inc.ID
		}
		// Histories appended newest incident first: statistics go by the
		// times in the history, not by the order of appending.
		for i := len(histories) - 1; i >= 0; i-- {
			from := workflow.State("")
			for _, st := range histories[i].steps {
				ev := workflow.Event{IncidentID: ids[i], At: at(st.after), Actor: st.actor, Kind: st.kind, From: from, To: st.to, Text: st.text}
				if err := tx.AppendEvent(ev); err != nil {
					return err
				}
				from = st.to
			}
		}
		for i, id := range []string{"o1@x", "o2@x", "o3@x"} {
			if err := tx.Enqueue(outgoing(id, ids[0], at(time.Duration(i)*time.Minute))); err != nil {
				return err
			}
		}
		return nil
	})
	due, err := s.Due(ctx, at(time.Hour), 10)
	if err != nil || len(due) != 3 {
		t.Fatalf("Due = %d, %v", len(due), err)
	}
	if err := s.MarkSent(ctx, due[0].ID, at(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, due[1].ID, "550"); err != nil {
		t.Fatal(err)
	}

	want := Stats{
		Total:      5,
		ByState:    map[workflow.State]int{workflow.Closed: 1, workflow.Rejected: 2, workflow.Resolved: 1, workflow.Reported: 1},
		ByType:     map[workflow.Type]int{workflow.TypeError: 2, workflow.TypeFeature: 1, workflow.TypeTask: 1, workflow.TypeImprovement: 1},
		ByPriority: map[workflow.Priority]int{workflow.PriorityCritical: 1, workflow.PriorityLow: 1, workflow.PriorityHigh: 1, workflow.PriorityMedium: 2},
		BySystem:   map[string]int{"billing": 2, "": 1, "erp": 2},
		Rejections: []Rejection{
			{IncidentID: 2, Actor: "eva@example.com", Reason: "duplicate of INC-1", At: at(30 * time.Minute)},
			{IncidentID: 4, Actor: "rui@example.com", Reason: "not worth it", At: at(2 * time.Hour)},
		},
		Resolved: 2, // 1 and 3; 1 twice
		Reopened: 1,
		// Evaluate: 1h (1), 20m (2), 3h (3), 5m (4): middle pair 20m, 1h.
		MedianEvaluate: 40 * time.Minute,
		// Resolve: 2h (1, to the first resolution), 1h (3); 4 never resolved.
		MedianResolve: 90 * time.Minute,
		// Close: only 1, 7h.
		MedianClose:   7 * time.Hour,
		OutboxPending: 1,
		OutboxFailed:  1,
	}
	view(t, s, func(tx *Tx) error {
		got, err := tx.Stats()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Stats =\n%+v\nwant\n%+v", got, want)
		}
		return nil
	})
}

func TestStatsEmpty(t *testing.T) {
	s := openTest(t)
	view(t, s, func(tx *Tx) error {
		got, err := tx.Stats()
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != 0 || len(got.ByState) != 0 || got.Rejections != nil ||
			got.MedianEvaluate != 0 || got.MedianResolve != 0 || got.MedianClose != 0 {
			t.Errorf("Stats of an empty store = %+v", got)
		}
		return nil
	})
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []time.Duration
		want time.Duration
	}{
		{nil, 0},
		{[]time.Duration{5}, 5},
		{[]time.Duration{9, 1, 5}, 5},
		{[]time.Duration{4, 1, 3, 2}, 2}, // (2+3)/2 in integer nanoseconds
	} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
