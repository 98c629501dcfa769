package store

import (
	"context"
	"fmt"
	"time"
)

// RetryFailed puts failed mail back in the outbox, due at now with its
// attempts counted from zero again; its last error is kept until the next
// attempt. id 0 means every failed mail. It returns how many mails were
// put back; asking for a mail that is not failed (or does not exist)
// returns ErrNotFound.
func (s *Store) RetryFailed(ctx context.Context, id int64, now time.Time) (int64, error) {
	var n int64
	err := s.Update(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE outbox SET state = ?, attempts = 0, next_attempt = ?
			WHERE state = ? AND (? = 0 OR id = ?)`, OutboxPending, formatTime(now), OutboxFailed, id, id)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err == nil && n == 0 && id != 0 {
			return ErrNotFound
		}
		return err
	})
	if err != nil {
		if id == 0 {
			return 0, fmt.Errorf("retry failed mail: %w", err)
		}
		return 0, fmt.Errorf("retry failed mail %d: %w", id, err)
	}
	return n, nil
}
