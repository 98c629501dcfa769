package store

import (
	"slices"
	"testing"
)

// TestWatchers: the watchers of an incident are read back in address
// order, replaced as a whole, and kept apart from other incidents'.
func TestWatchers(t *testing.T) {
	s := openTest(t)
	a, b := newIncident("first"), newIncident("second")
	update(t, s, func(tx *Tx) error {
		if err := tx.CreateIncident(&a); err != nil {
			return err
		}
		if err := tx.CreateIncident(&b); err != nil {
			return err
		}
		if err := tx.SetWatchers(a.ID, []string{"dave@example.com", "ann@example.com", "dave@example.com"}); err != nil {
			return err
		}
		return tx.SetWatchers(b.ID, []string{"erin@example.com"})
	})
	read := func(id int64) []string {
		var got []string
		view(t, s, func(tx *Tx) (err error) {
			got, err = tx.Watchers(id)
			return err
		})
		return got
	}
	if got := read(a.ID); !slices.Equal(got, []string{"ann@example.com", "dave@example.com"}) {
		t.Fatalf("watchers %v", got)
	}
	update(t, s, func(tx *Tx) error { return tx.SetWatchers(a.ID, []string{"dave@example.com"}) })
	if got := read(a.ID); !slices.Equal(got, []string{"dave@example.com"}) {
		t.Fatalf("after replacing: %v", got)
	}
	update(t, s, func(tx *Tx) error { return tx.SetWatchers(a.ID, nil) })
	if got, other := read(a.ID), read(b.ID); got != nil || !slices.Equal(other, []string{"erin@example.com"}) {
		t.Fatalf("after removing all: %v; the other incident's %v", got, other)
	}
}
