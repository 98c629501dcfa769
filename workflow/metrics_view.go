package workflow

import (
	"fmt"
	"strings"
)

// This file holds what the digest templates call to draw Metrics: rows
// with the previous period beside them, and bar widths.

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
func (m Metrics) Flow() Rows {
	var before Figures
	if m.Before != nil {
		before = *m.Before
	}
	row := func(key string, n, b int) Row { return Row{key, n, b, m.Before != nil} }
	return Rows{
		row("reported", m.Reported, before.Reported),
		row("accepted", m.Accepted, before.Accepted),
		row("rejected", m.Rejected, before.Rejected),
		row("resolved", m.Resolved, before.Resolved),
		row("reopened", m.Reopened, before.Reopened),
		row("closed", m.Closed, before.Closed),
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
	Key      string // evaluate, resolve, close
	Stage           // this period
	Before   Stage  // the period before
	Compared bool
}

// StageRows are the stages in workflow order.
type StageRows []StageRow

// Stages are the stage times of the period.
func (m Metrics) Stages() StageRows {
	var before Figures
	if m.Before != nil {
		before = *m.Before
	}
	return StageRows{
		{"evaluate", m.Evaluate, before.Evaluate, m.Before != nil},
		{"resolve", m.Resolve, before.Resolve, m.Before != nil},
		{"close", m.Close, before.Close, m.Before != nil},
	}
}

// Bar is the width of s's bar when the longest 90th percentile's is full.
func (rs StageRows) Bar(s Seconds, full int) Width {
	return bar(int(s), largest(rs, func(r StageRow) int { return int(r.P90) }), full)
}

// Bar is the width of n's bar when the largest count's is full.
func (cs Counts) Bar(n, full int) Width {
	return bar(n, largest(cs, func(c Count) int { return c.N }), full)
}

// Total is the sum of the counts.
func (cs Counts) Total() int {
	t := 0
	for _, c := range cs {
		t += c.N
	}
	return t
}

// Bar is the width of n's bar when the group with the most reports has a
// full one.
func (gs Groups) Bar(n, full int) Width {
	return bar(n, largest(gs, func(g Group) int { return g.Reported }), full)
}

// Dimension is one way of grouping the figures.
type Dimension struct {
	Key    string // by_type, by_priority, by_system
	Groups Groups
}

// Dimensions are the groupings in the order the digest shows them.
func (m Metrics) Dimensions() []Dimension {
	return []Dimension{{"by_type", m.ByType}, {"by_priority", m.ByPriority}, {"by_system", m.BySystem}}
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
