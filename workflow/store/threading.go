package store

import (
	"database/sql"
	"errors"
	"fmt"
)

// LinkMessage records that messageID (without <>) belongs to the thread of
// incidentID. Linking an ID again, even to another incident, changes
// nothing: a Message-ID belongs to the first incident it was linked to.
func (tx *Tx) LinkMessage(messageID string, incidentID int64) error {
	if messageID == "" {
		return fmt.Errorf("link message to incident %d: empty Message-ID", incidentID)
	}
	_, err := tx.exec(`INSERT INTO messages (message_id, incident_id) VALUES (?, ?)
		ON CONFLICT (message_id) DO NOTHING`, messageID, incidentID)
	if err != nil {
		return fmt.Errorf("link message %q to incident %d: %w", messageID, incidentID, err)
	}
	return nil
}

// IncidentForMessages finds the incident whose thread holds one of ids
// (Message-IDs without <>, as in References then In-Reply-To: oldest
// first). The last linked ID of the slice wins.
func (tx *Tx) IncidentForMessages(ids []string) (int64, bool, error) {
	for i := len(ids) - 1; i >= 0; i-- {
		if ids[i] == "" {
			continue
		}
		var incidentID int64
		err := tx.queryRow(`SELECT incident_id FROM messages WHERE message_id = ?`,
			ids[i]).Scan(&incidentID)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return 0, false, fmt.Errorf("look up message %q: %w", ids[i], err)
		}
		return incidentID, true, nil
	}
	return 0, false, nil
}

// ThreadRoot returns the first Message-ID linked to the incident, or ""
// when there is none.
func (tx *Tx) ThreadRoot(incidentID int64) (string, error) {
	return tx.threadMessage(incidentID, "thread root", "ORDER BY seq LIMIT 1")
}

// ThreadLatest returns the latest Message-ID linked to the incident, or ""
// when there is none.
func (tx *Tx) ThreadLatest(incidentID int64) (string, error) {
	return tx.threadMessage(incidentID, "latest message", "ORDER BY seq DESC LIMIT 1")
}

// threadMessage returns the Message-ID of the incident's thread that
// order puts first, or "" when there is none; what names it in errors.
func (tx *Tx) threadMessage(incidentID int64, what, order string) (string, error) {
	var id string
	err := tx.queryRow(`SELECT message_id FROM messages WHERE incident_id = ? `+order, incidentID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("%s of incident %d: %w", what, incidentID, err)
	}
	return id, nil
}
