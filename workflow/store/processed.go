package store

import (
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Processed reports whether the mail with this key was handled already.
// The key is the mail's Message-ID, or "sha256:<hex>" of the raw mail when
// it has none.
func (tx *Tx) Processed(key string) (bool, error) {
	var one int
	err := tx.queryRow(`SELECT 1 FROM processed WHERE key = ?`, key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("look up processed mail %q: %w", key, err)
	}
	return true, nil
}

// MarkProcessed records that the mail with this key was handled, touching
// incidentID (0 for none) with the given outcome. Marking a key twice fails:
// callers check Processed first, in the same transaction.
func (tx *Tx) MarkProcessed(key string, incidentID int64, outcome string, at time.Time) error {
	_, err := tx.exec(`INSERT INTO processed (key, incident_id, outcome, at) VALUES (?, ?, ?, ?)`,
		key, nullID(incidentID), outcome, formatTime(at))
	if err != nil {
		return fmt.Errorf("mark mail %q processed: %w", key, err)
	}
	return nil
}
