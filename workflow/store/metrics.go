package store

import (
	"fmt"
	"time"

	"incidentd/workflow"
)

// Metrics computes the organization's numbers of period p over every
// incident and its history (see workflow.Measure), with rejection reasons
// grouped by cats, by the choice fields of form and by the routes of
// roles.
func (tx *Tx) Metrics(p workflow.Period, cats []workflow.ReasonCategory, form workflow.Form, roles workflow.Roles) (workflow.Metrics, error) {
	incs, err := tx.Incidents(Filter{})
	if err != nil {
		return workflow.Metrics{}, fmt.Errorf("metrics: %w", err)
	}
	events, err := tx.EventsBefore(p.To)
	if err != nil {
		return workflow.Metrics{}, fmt.Errorf("metrics: %w", err)
	}
	return workflow.Measure(incs, events, p, cats, form, roles), nil
}

// EventsBefore returns the history of every incident up to t (excluded),
// in the order appended.
func (tx *Tx) EventsBefore(t time.Time) ([]workflow.Event, error) {
	out, err := queryAll(tx, scanEvent, `SELECT `+eventColumns+` FROM events WHERE at < ? ORDER BY seq`, formatTime(t))
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	return out, nil
}

// EventCounts counts the events of every history by kind.
func (tx *Tx) EventCounts() (map[workflow.EventKind]int, error) {
	return countBy[workflow.EventKind](tx, "count events", `SELECT kind, COUNT(*) FROM events GROUP BY kind`)
}

// ProcessedCounts counts the mail handled by what became of it:
// "reported", "ignored", "quarantined", "refused" or "reply" (a
// transition or a comment).
func (tx *Tx) ProcessedCounts() (map[string]int, error) {
	return countBy[string](tx, "count processed mail", `SELECT CASE
		WHEN outcome LIKE 'reported %' THEN 'reported'
		WHEN outcome LIKE 'ignored%' THEN 'ignored'
		WHEN outcome LIKE 'quarantined%' THEN 'quarantined'
		WHEN outcome LIKE 'refused%' OR outcome LIKE 'report refused%' OR outcome LIKE 'names unknown%' THEN 'refused'
		ELSE 'reply' END AS class, COUNT(*) FROM processed GROUP BY class`)
}

func countBy[K ~string](tx *Tx, what, query string) (map[K]int, error) {
	type row struct {
		k K
		n int
	}
	rows, err := queryAll(tx, func(r scanner) (row, error) {
		var v row
		return v, r.Scan(&v.k, &v.n)
	}, query)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out := map[K]int{}
	for _, r := range rows {
		out[r.k] = r.n
	}
	return out, nil
}

// OutboxCounts describe the outbox: mails per state, failed attempts so
// far, and when the oldest pending mail was queued (zero when none is).
type OutboxCounts struct {
	Pending       int       `json:"pending"`
	Sent          int       `json:"sent"`
	Failed        int       `json:"failed"`
	Attempts      int       `json:"failed_attempts"`
	OldestPending time.Time `json:"oldest_pending,omitzero"`
}

// OutboxCounts counts the mails of the outbox.
func (tx *Tx) OutboxCounts() (OutboxCounts, error) {
	var c OutboxCounts
	err := tx.queryRow(`SELECT COUNT(CASE WHEN state = ? THEN 1 END),
		COUNT(CASE WHEN state = ? THEN 1 END), COUNT(CASE WHEN state = ? THEN 1 END),
		COALESCE(SUM(attempts), 0), MIN(CASE WHEN state = ? THEN date END) FROM outbox`,
		OutboxPending, OutboxSent, OutboxFailed, OutboxPending).Scan(&c.Pending, &c.Sent, &c.Failed, &c.Attempts, timeCol{&c.OldestPending})
	if err != nil {
		return c, fmt.Errorf("count outbox: %w", err)
	}
	return c, nil
}
