package store

import (
	"fmt"

	"incidentd/workflow"
)

// AppendEvent adds ev to the end of its incident's history. The history
// cannot be changed afterwards: the database refuses UPDATE and DELETE on it.
func (tx *Tx) AppendEvent(ev workflow.Event) error {
	_, err := tx.exec(`INSERT INTO events (incident_id, at, actor, message_id, kind,
		from_state, to_state, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.IncidentID, formatTime(ev.At), ev.Actor, ev.MessageID, ev.Kind,
		ev.From, ev.To, ev.Text)
	if err != nil {
		return fmt.Errorf("append %s event to incident %d: %w", ev.Kind, ev.IncidentID, err)
	}
	return nil
}

const eventColumns = `incident_id, at, actor, message_id, kind, from_state, to_state, text`

// Events returns an incident's history in the order it was appended.
func (tx *Tx) Events(incidentID int64) ([]workflow.Event, error) {
	out, err := queryAll(tx, scanEvent, `SELECT `+eventColumns+` FROM events
		WHERE incident_id = ? ORDER BY seq`, incidentID)
	if err != nil {
		return nil, fmt.Errorf("history of incident %d: %w", incidentID, err)
	}
	return out, nil
}

func scanEvent(r scanner) (workflow.Event, error) {
	var ev workflow.Event
	err := r.Scan(&ev.IncidentID, timeCol{&ev.At}, &ev.Actor, &ev.MessageID,
		&ev.Kind, &ev.From, &ev.To, &ev.Text)
	return ev, err
}
