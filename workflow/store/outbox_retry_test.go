package store

import (
	"errors"
	"testing"
	"time"
)

func TestRetryFailedPutsOnlyFailedMailBack(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	update(t, s, func(tx *Tx) error {
		for _, id := range []string{"a@incidentd", "b@incidentd", "c@incidentd", "d@incidentd"} {
			if err := tx.Enqueue(outgoing(id, 0, t0)); err != nil {
				return err
			}
		}
		return nil
	})
	// 1 and 2 failed, 3 was sent, 4 is pending.
	for _, id := range []int64{1, 2} {
		if err := s.MarkFailed(ctx, id, "550 no such user"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MarkSent(ctx, t0, 3); err != nil {
		t.Fatal(err)
	}
	later := t0.Add(time.Hour)
	if _, err := s.RetryFailed(ctx, 3, later); !errors.Is(err, ErrNotFound) {
		t.Errorf("retrying sent mail: %v, want ErrNotFound", err)
	}
	if n, err := s.RetryFailed(ctx, 1, later); err != nil || n != 1 {
		t.Fatalf("retry 1: %d, %v", n, err)
	}
	if n, err := s.RetryFailed(ctx, 0, later); err != nil || n != 1 {
		t.Fatalf("retry all: %d, %v; want only mail 2 left to put back", n, err)
	}
	due, err := s.Due(ctx, later, Outgoing{}, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 3 {
		t.Fatalf("%d mails due, want 1, 2 and 4", len(due))
	}
	for _, o := range due {
		if o.ID != 4 && (o.Attempts != 0 || !o.NextAttempt.Equal(later) || o.LastError != "550 no such user") {
			t.Errorf("mail put back: %+v", o)
		}
	}
}
