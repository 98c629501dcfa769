package render

import (
	"errors"
	"fmt"
	"strings"

	"incidentd/workflow"
)

// MetricsView is a workflow.Metrics as the digest draws it and `incidentd
// stats` prints it: each chart's rows, with the period before beside them,
// and the widths of their bars. The digest templates get it from
// .Metrics with the function charts.
type MetricsView struct {
	workflow.Metrics
}

// charts is the view of the metrics of a digest.
func charts(m *workflow.Metrics) (*MetricsView, error) {
	if m == nil {
		return nil, errors.New("charts: no metrics")
	}
	return &MetricsView{Metrics: *m}, nil
}

// Row is one figure of the period beside the same figure of the period
// before.
type Row struct {
	Key      string // reported, accepted, rejected, resolved, reopened, closed
	N        int
	Before   int
	Compared bool // false when there is no previous period
}

// Change writes the difference with the period before: "+3", "-2", "=".
func (r Row) Change() string {
	switch d := r.N - r.Before; {
	case d > 0:
		return fmt.Sprintf("+%d", d)
	case d < 0:
		return fmt.Sprint(d)
	}
	return "="
}

// Rows are the rows of one chart.
type Rows []Row

// Flow are the counts of the period in workflow order.
func (v MetricsView) Flow() Rows {
	var before workflow.Figures
	if v.Before != nil {
		before = *v.Before
	}
	row := func(key string, n, b int) Row { return Row{key, n, b, v.Before != nil} }
	return Rows{
		row("reported", v.Reported, before.Reported),
		row("accepted", v.Accepted, before.Accepted),
		row("rejected", v.Rejected, before.Rejected),
		row("resolved", v.Resolved, before.Resolved),
		row("reopened", v.Reopened, before.Reopened),
		row("closed", v.Closed, before.Closed),
	}
}

// Bar is the width of n's bar when the largest row's is full.
func (rs Rows) Bar(n, full int) Width {
	return bar(n, largest(rs, func(r Row) int { return r.N }), full)
}

// largest is the largest value of f over items, 0 for none.
func largest[T any](items []T, f func(T) int) int {
	top := 0
	for _, it := range items {
		top = max(top, f(it))
	}
	return top
}

// StageRow is one stage's times beside the period before.
type StageRow struct {
	Key            string         // evaluate, resolve, close
	workflow.Stage                // this period
	Before         workflow.Stage // the period before
	Compared       bool
}

// StageRows are the stages in workflow order.
type StageRows []StageRow

// Stages are the stage times of the period.
func (v MetricsView) Stages() StageRows {
	var before workflow.Figures
	if v.Before != nil {
		before = *v.Before
	}
	return StageRows{
		{"evaluate", v.Evaluate, before.Evaluate, v.Before != nil},
		{"resolve", v.Resolve, before.Resolve, v.Before != nil},
		{"close", v.Close, before.Close, v.Before != nil},
	}
}

// Bar is the width of s's bar when the longest 90th percentile's is full.
func (rs StageRows) Bar(s workflow.Seconds, full int) Width {
	return bar(int(s), largest(rs, func(r StageRow) int { return int(r.P90) }), full)
}

// Counts are counts of one chart.
type Counts []workflow.Count

// RejectedBy are the rejections of the period by reason category.
func (v MetricsView) RejectedBy() Counts { return Counts(v.Metrics.RejectedBy) }

// Waiting are the incidents waiting at the end of the period, by state.
func (v MetricsView) Waiting() Counts { return Counts(v.Metrics.Waiting) }

// Bar is the width of n's bar when the largest count's is full.
func (cs Counts) Bar(n, full int) Width {
	return bar(n, largest(cs, func(c workflow.Count) int { return c.N }), full)
}

// Total is the sum of the counts.
func (cs Counts) Total() int {
	t := 0
	for _, c := range cs {
		t += c.N
	}
	return t
}

// Groups are the groups of one dimension, as one chart.
type Groups []workflow.Group

// Bar is the width of n's bar when the group with the most reports has a
// full one.
func (gs Groups) Bar(n, full int) Width {
	return bar(n, largest(gs, func(g workflow.Group) int { return g.Reported }), full)
}

// Dimension is one way of grouping the figures.
type Dimension struct {
	Key    string // by_type, by_priority, by_system, by_route; the field's name for a choice field
	Groups Groups
	// Field is the name of the organization's choice field the groups
	// are of, whose keys are its values; "" for the built-in dimensions.
	Field string
}

// Dimensions are the groupings in the order the digest shows them: the
// built-in ones, one per choice field of the organization's own, then by
// route when routes are configured.
func (v MetricsView) Dimensions() []Dimension {
	dims := []Dimension{{"by_type", Groups(v.ByType), ""}, {"by_priority", Groups(v.ByPriority), ""}, {"by_system", Groups(v.BySystem), ""}}
	for _, f := range v.ByField {
		dims = append(dims, Dimension{f.Field, Groups(f.Groups), f.Field})
	}
	if len(v.ByRoute) > 0 {
		dims = append(dims, Dimension{"by_route", Groups(v.ByRoute), ""})
	}
	return dims
}

// Width is the length of a bar: pixels in HTML, characters in text.
type Width int

// Text draws the bar in characters, for plain-text mail.
func (w Width) Text() string { return strings.Repeat("█", int(w)) }

// bar scales n of top to full, never drawing a non-zero value as nothing.
func bar(n, top, full int) Width {
	if n <= 0 || top <= 0 {
		return 0
	}
	return Width(max(1, n*full/top))
}
