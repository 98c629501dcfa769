package store

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentd/workflow"
)

func TestEventsInAppendOrder(t *testing.T) {
	s := openTest(t)
	inc := newIncident("history")
	evs := []workflow.Event{
		{Kind: workflow.EventReported, To: workflow.Reported, Actor: "ana@example.com", MessageID: "r@x", At: t0, Text: "Invoices are empty."},
		// Appended later but stamped earlier: order is by appending, not time.
		{Kind: workflow.EventComment, From: workflow.Reported, To: workflow.Reported, Actor: "ana@example.com", MessageID: "c@x", At: t0.Add(-time.Minute), Text: "also PDFs"},
		{Kind: workflow.EventAccepted, From: workflow.Reported, To: workflow.InResolution, Actor: "eva@example.com", MessageID: "a@x", At: t0.Add(time.Hour)},
	}
	update(t, s, func(tx *Tx) error {
		if err := tx.CreateIncident(&inc); err != nil {
			return err
		}
		for i := range evs {
			evs[i].IncidentID = inc.ID
			if err := tx.AppendEvent(evs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx *Tx) error {
		got, err := tx.Events(inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, evs) {
			t.Errorf("history\n%+v\nwant\n%+v", got, evs)
		}
		none, err := tx.Events(inc.ID + 1)
		if err != nil || len(none) != 0 {
			t.Errorf("history of an unknown incident: %+v, %v", none, err)
		}
		return nil
	})
}

func TestEventsAreAppendOnly(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	inc := newIncident("history")
	update(t, s, func(tx *Tx) error {
		if err := tx.CreateIncident(&inc); err != nil {
			return err
		}
		return tx.AppendEvent(workflow.Event{IncidentID: inc.ID, Kind: workflow.EventReported, To: workflow.Reported, At: t0, Text: "original"})
	})
	for _, q := range []string{
		`UPDATE events SET text = 'rewritten'`,
		`DELETE FROM events`,
	} {
		_, err := s.write.db.ExecContext(ctx, q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: got %v, want the append-only refusal", q, err)
		}
	}
	if _, err := s.write.db.ExecContext(ctx, `DELETE FROM incidents`); err == nil {
		t.Error("deleted an incident that has a history")
	}
	view(t, s, func(tx *Tx) error {
		evs, err := tx.Events(inc.ID)
		if err != nil || len(evs) != 1 || evs[0].Text != "original" {
			t.Errorf("history after refused changes: %+v, %v", evs, err)
		}
		return nil
	})
}
