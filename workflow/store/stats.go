package store

import (
	"fmt"
	"slices"
	"time"

	"incidentd/workflow"
)

// Stats are the numbers of `incidentd stats`.
type Stats struct {
	Total      int
	ByState    map[workflow.State]int
	ByType     map[workflow.Type]int
	ByPriority map[workflow.Priority]int
	BySystem   map[string]int // incidents naming no system are counted under ""
	Rejections []Rejection    // every rejected event, oldest first
	Resolved   int            // incidents that reached resolved at least once
	Reopened   int            // reopen events
	// Median durations from the history, over the incidents that have both
	// ends: report to first accept or reject (evaluate), first accept to
	// first resolved (resolve), report to closed (close). Zero when no
	// incident has both ends; the mean of the two middle values when the
	// count is even.
	MedianEvaluate, MedianResolve, MedianClose time.Duration
	OutboxPending, OutboxFailed                int
}

// Rejection is one rejected event: who rejected which incident, why, when.
type Rejection struct {
	IncidentID int64
	Actor      string
	Reason     string
	At         time.Time
}

// Stats computes the numbers over every incident, its history and the outbox.
func (tx *Tx) Stats() (Stats, error) {
	st := Stats{
		ByState:    map[workflow.State]int{},
		ByType:     map[workflow.Type]int{},
		ByPriority: map[workflow.Priority]int{},
		BySystem:   map[string]int{},
	}
	for _, step := range []func(*Stats) error{tx.countIncidents, tx.rejections, tx.counts, tx.medians} {
		if err := step(&st); err != nil {
			return Stats{}, fmt.Errorf("stats: %w", err)
		}
	}
	return st, nil
}

func (tx *Tx) countIncidents(st *Stats) error {
	type row struct {
		state    workflow.State
		typ      workflow.Type
		priority workflow.Priority
		system   string
	}
	rows, err := queryAll(tx, func(r scanner) (row, error) {
		var v row
		err := r.Scan(&v.state, &v.typ, &v.priority, &v.system)
		return v, err
	}, `SELECT state, type, priority, system FROM incidents`)
	if err != nil {
		return fmt.Errorf("count incidents: %w", err)
	}
	for _, v := range rows {
		st.Total++
		st.ByState[v.state]++
		st.ByType[v.typ]++
		st.ByPriority[v.priority]++
		st.BySystem[v.system]++
	}
	return nil
}

func (tx *Tx) rejections(st *Stats) error {
	var err error
	st.Rejections, err = queryAll(tx, func(r scanner) (Rejection, error) {
		var v Rejection
		err := r.Scan(&v.IncidentID, &v.Actor, &v.Reason, timeCol{&v.At})
		return v, err
	}, `SELECT incident_id, actor, text, at FROM events WHERE kind = ? ORDER BY at, seq`,
		workflow.EventRejected)
	if err != nil {
		return fmt.Errorf("rejections: %w", err)
	}
	return nil
}

// counts fills the numbers that are one COUNT each.
func (tx *Tx) counts(st *Stats) error {
	for _, c := range []struct {
		dst   *int
		query string
		arg   any
	}{
		{&st.Resolved, `SELECT COUNT(DISTINCT incident_id) FROM events WHERE kind = ?`, workflow.EventResolved},
		{&st.Reopened, `SELECT COUNT(*) FROM events WHERE kind = ?`, workflow.EventReopened},
		{&st.OutboxPending, `SELECT COUNT(*) FROM outbox WHERE state = ?`, OutboxPending},
		{&st.OutboxFailed, `SELECT COUNT(*) FROM outbox WHERE state = ?`, OutboxFailed},
	} {
		if err := tx.tx.QueryRowContext(tx.ctx, c.query, c.arg).Scan(c.dst); err != nil {
			return fmt.Errorf("count %v: %w", c.arg, err)
		}
	}
	return nil
}

// milestones are the first time each stage was reached by one incident;
// zero when never.
type milestones struct {
	reported, evaluated, accepted, resolved, closed time.Time
}

func (tx *Tx) medians(st *Stats) error {
	all, err := queryAll(tx, func(r scanner) (milestones, error) {
		var m milestones
		err := r.Scan(timeCol{&m.reported}, timeCol{&m.evaluated}, timeCol{&m.accepted},
			timeCol{&m.resolved}, timeCol{&m.closed})
		return m, err
	}, `SELECT
		MIN(CASE WHEN kind = ? THEN at END),
		MIN(CASE WHEN kind IN (?, ?) THEN at END),
		MIN(CASE WHEN kind = ? THEN at END),
		MIN(CASE WHEN kind = ? THEN at END),
		MIN(CASE WHEN kind = ? THEN at END)
		FROM events GROUP BY incident_id`,
		workflow.EventReported, workflow.EventAccepted, workflow.EventRejected,
		workflow.EventAccepted, workflow.EventResolved, workflow.EventConfirmed)
	if err != nil {
		return fmt.Errorf("stage durations: %w", err)
	}
	var evaluate, resolve, closing []time.Duration
	for _, m := range all {
		evaluate = appendSpan(evaluate, m.reported, m.evaluated)
		resolve = appendSpan(resolve, m.accepted, m.resolved)
		closing = appendSpan(closing, m.reported, m.closed)
	}
	st.MedianEvaluate, st.MedianResolve, st.MedianClose = median(evaluate), median(resolve), median(closing)
	return nil
}

// appendSpan appends to-from when both ends happened.
func appendSpan(ds []time.Duration, from, to time.Time) []time.Duration {
	if from.IsZero() || to.IsZero() {
		return ds
	}
	return append(ds, to.Sub(from))
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	mid := len(ds) / 2
	if len(ds)%2 == 1 {
		return ds[mid]
	}
	return ds[mid-1] + (ds[mid]-ds[mid-1])/2
}
