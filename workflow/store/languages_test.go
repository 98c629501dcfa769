package store

import (
	"testing"
	"time"
)

func TestLanguages(t *testing.T) {
	s := openTest(t)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	update(t, s, func(tx *Tx) error {
		if err := tx.SetLanguage("Ana@Example.com", "en", t0); err != nil {
			return err
		}
		if err := tx.SetLanguage("carol@example.com", "en", t0); err != nil {
			return err
		}
		return tx.SetLanguage("carol@example.com", "es", t0.Add(time.Hour)) // the latest wins
	})
	update(t, s, func(tx *Tx) error {
		got, err := tx.Languages([]string{"ana@example.com", "carol@example.com", "bob@example.com"})
		if err != nil {
			return err
		}
		if len(got) != 2 || got["ana@example.com"] != "en" || got["carol@example.com"] != "es" {
			t.Errorf("languages %v", got)
		}
		return nil
	})
}
