package store

import "fmt"

// Savepoint runs fn inside tx as a unit of its own: when fn fails, what
// it wrote is undone, the rest of the transaction stands, and fn's error
// is returned. This lets several mails share one transaction (one commit,
// one sync) while each mail's effects stay all or nothing. Should the
// undo itself fail, the whole transaction fails at its end.
func (tx *Tx) Savepoint(fn func() error) error {
	if tx.readOnly {
		return errReadOnly
	}
	if _, err := tx.exec(`SAVEPOINT unit`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	queued := len(tx.queued)
	if err := fn(); err != nil {
		tx.queued = tx.queued[:queued]
		if _, rerr := tx.exec(`ROLLBACK TO unit`); rerr != nil {
			tx.broken = fmt.Errorf("roll back to savepoint: %w (after: %w)", rerr, err)
			return err
		}
		if _, rerr := tx.exec(`RELEASE unit`); rerr != nil {
			tx.broken = fmt.Errorf("release savepoint: %w", rerr)
		}
		return err
	}
	if _, err := tx.exec(`RELEASE unit`); err != nil {
		tx.broken = fmt.Errorf("release savepoint: %w", err)
		return err
	}
	return nil
}
