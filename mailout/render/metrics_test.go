package render

import (
	"slices"
	"testing"
	"time"

	"incidentd/workflow"
)

// weekMetrics are the figures of a week compared with the week before.
func weekMetrics() workflow.Metrics {
	h, d := time.Hour, 24*time.Hour
	stage := func(n int, median, p90 time.Duration) workflow.Stage {
		return workflow.Stage{Count: n, Median: workflow.SecondsOf(median), P90: workflow.SecondsOf(p90)}
	}
	return workflow.Metrics{
		Figures: workflow.Figures{Reported: 5, Accepted: 1, Rejected: 3, Resolved: 3, Reopened: 1, Closed: 1,
			RejectedBy: workflow.Counts{{Key: "duplicate", N: 1}, {Key: "other", N: 2}},
			Evaluate:   stage(4, 2*h, 10*h), Resolve: stage(2, 34*h, 48*h), Close: stage(1, 4*d, 4*d)},
		Before:  &workflow.Figures{Reported: 1, Accepted: 1, Evaluate: stage(1, d, d)},
		Waiting: workflow.Counts{{Key: "reported", N: 1}, {Key: "resolved", N: 3}},
		ByType: workflow.Groups{{Key: "error", Figures: workflow.Figures{Reported: 4}},
			{Key: "task", Figures: workflow.Figures{Reported: 1}}},
	}
}

func TestRowsAndBars(t *testing.T) {
	m := MetricsView{weekMetrics()}
	flow := m.Flow()
	if flow[0].Key != "reported" || flow[0].N != 5 || flow[0].Change() != "+4" || flow[1].Change() != "=" ||
		flow[2].Change() != "+3" || !flow[0].Compared {
		t.Errorf("flow %+v", flow)
	}
	if flow.Bar(5, 300) != 300 || flow.Bar(1, 300) != 60 {
		t.Errorf("bars: %d %d", flow.Bar(5, 300), flow.Bar(1, 300))
	}
	st := m.Stages()
	if st.Bar(st[2].P90, 100) != 100 || st[0].Key != "evaluate" || st[0].Before.Median != workflow.SecondsOf(24*time.Hour) {
		t.Errorf("stages %+v", st)
	}
	if by, w := m.RejectedBy(), m.Waiting(); by.Bar(2, 100) != 100 || by.Bar(1, 100) != 50 || w.Bar(1, 30) != 10 || w.Total() != 4 {
		t.Errorf("rejected by %v, waiting %v", by, w)
	}
	dims := m.Dimensions()
	if keys := []string{dims[0].Key, dims[1].Key, dims[2].Key}; !slices.Equal(keys, []string{"by_type", "by_priority", "by_system"}) {
		t.Errorf("dimensions %v", keys)
	}
	if gs := dims[0].Groups; gs.Bar(4, 90) != 90 || gs.Bar(1, 90) != 22 {
		t.Errorf("groups bars %d %d", gs.Bar(4, 90), gs.Bar(1, 90))
	}
	if got := (Width(3)).Text(); got != "███" {
		t.Errorf("a bar of 3 in text: %q", got)
	}
}

// TestBarsOfNothing: a period without figures draws no bar, and compares
// with no period before.
func TestBarsOfNothing(t *testing.T) {
	m := MetricsView{}
	if got := m.Flow().Bar(0, 200); got != 0 || got.Text() != "" {
		t.Errorf("bar of nothing %d", got)
	}
	if m.Flow()[0].Compared || m.Stages()[0].Compared {
		t.Error("rows compared with a period before that there is not")
	}
	if got := m.Waiting().Bar(0, 30); got != 0 {
		t.Errorf("bar of no waiting %d", got)
	}
}
