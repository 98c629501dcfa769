package store

import (
	"fmt"
	"slices"
)

// Watchers lists who follows incident id (workflow.Incident.Watchers), in
// address order.
func (tx *Tx) Watchers(id int64) ([]string, error) {
	out, err := queryAll(tx, func(r scanner) (string, error) {
		var a string
		err := r.Scan(&a)
		return a, err
	}, `SELECT address FROM watchers WHERE incident_id = ? ORDER BY address`, id)
	if err != nil {
		return nil, fmt.Errorf("watchers of incident %d: %w", id, err)
	}
	return out, nil
}

// SetWatchers makes addrs, and only them, the watchers of incident id.
func (tx *Tx) SetWatchers(id int64, addrs []string) error {
	if _, err := tx.exec(`DELETE FROM watchers WHERE incident_id = ?`, id); err != nil {
		return fmt.Errorf("set watchers of incident %d: %w", id, err)
	}
	for _, a := range slices.Compact(slices.Sorted(slices.Values(addrs))) {
		if _, err := tx.exec(`INSERT INTO watchers (incident_id, address) VALUES (?, ?)`, id, a); err != nil {
			return fmt.Errorf("set watchers of incident %d: add %s: %w", id, a, err)
		}
	}
	return nil
}
