package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Checkpoint is how far the IMAP intake got in one mailbox: every mail
// with a UID up to LastUID was handled, as long as the mailbox keeps the
// same UIDVALIDITY. A different UIDVALIDITY voids it.
type Checkpoint struct {
	UIDValidity uint32
	LastUID     uint32
}

// Checkpoint returns the checkpoint of the mailbox named key; the zero
// Checkpoint when there is none.
func (s *Store) Checkpoint(ctx context.Context, key string) (Checkpoint, error) {
	var cp Checkpoint
	err := s.read.db.QueryRowContext(ctx, `SELECT uid_validity, last_uid FROM checkpoints WHERE mailbox = ?`,
		key).Scan(&cp.UIDValidity, &cp.LastUID)
	if errors.Is(err, sql.ErrNoRows) {
		return Checkpoint{}, nil
	}
	if err != nil {
		return Checkpoint{}, fmt.Errorf("read checkpoint of %s: %w", key, err)
	}
	return cp, nil
}

// SaveCheckpoint replaces the checkpoint of the mailbox named key.
func (s *Store) SaveCheckpoint(ctx context.Context, key string, cp Checkpoint, at time.Time) error {
	err := s.Update(ctx, func(tx *Tx) error {
		_, err := tx.exec(`INSERT INTO checkpoints (mailbox, uid_validity, last_uid, updated)
			VALUES (?, ?, ?, ?) ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity,
			last_uid = excluded.last_uid, updated = excluded.updated`,
			key, cp.UIDValidity, cp.LastUID, formatTime(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("save checkpoint of %s: %w", key, err)
	}
	return nil
}
