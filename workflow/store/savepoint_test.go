package store

import (
	"errors"
	"testing"
	"time"
)

// A failing unit is undone; the units beside it in the same transaction
// commit.
func TestSavepointUndoesOnlyTheFailingUnit(t *testing.T) {
	s := openTest(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	boom := errors.New("boom")
	err := s.Update(t.Context(), func(tx *Tx) error {
		if err := tx.Savepoint(func() error { return tx.MarkProcessed("<a@x>", 0, "ok", at) }); err != nil {
			return err
		}
		err := tx.Savepoint(func() error {
			if err := tx.MarkProcessed("<b@x>", 0, "half", at); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("savepoint error = %v, want boom", err)
		}
		return tx.Savepoint(func() error { return tx.MarkProcessed("<c@x>", 0, "ok", at) })
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.View(t.Context(), func(tx *Tx) error {
		for key, want := range map[string]bool{"<a@x>": true, "<b@x>": false, "<c@x>": true} {
			got, err := tx.Processed(key)
			if err != nil {
				return err
			}
			if got != want {
				t.Errorf("processed %s = %v, want %v", key, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
