package store

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"incidentd/workflow"
)

func TestIncidentRoundTrip(t *testing.T) {
	s := openTest(t)
	a, b := newIncident("first"), newIncident("second")
	b.Created = time.Date(2025, 3, 10, 11, 0, 0, 1, time.FixedZone("CET", 3600))
	update(t, s, func(tx *Tx) error {
		if err := tx.CreateIncident(&a); err != nil {
			return err
		}
		return tx.CreateIncident(&b)
	})
	if a.ID != 1 || b.ID != 2 {
		t.Fatalf("IDs %d, %d; want 1, 2", a.ID, b.ID)
	}
	view(t, s, func(tx *Tx) error {
		got, err := tx.Incident(a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, a) {
			t.Errorf("read back\n%+v\nwant\n%+v", got, a)
		}
		got, err = tx.Incident(b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Created.Equal(b.Created) || got.Created.Location() != time.UTC {
			t.Errorf("created %v, want %v in UTC", got.Created, b.Created)
		}
		return nil
	})
}

func TestIncidentNotFound(t *testing.T) {
	s := openTest(t)
	if err := s.Update(t.Context(), func(tx *Tx) error {
		return tx.SaveIncident(workflow.Incident{ID: 42, State: workflow.Closed})
	}); !errors.Is(err, ErrNotFound) {
		t.Errorf("SaveIncident of a missing incident: %v", err)
	}
	view(t, s, func(tx *Tx) error {
		if _, err := tx.Incident(42); !errors.Is(err, ErrNotFound) {
			t.Errorf("Incident(42) = %v, want ErrNotFound", err)
		}
		return nil
	})
}

func TestSaveIncidentAndFilter(t *testing.T) {
	s := openTest(t)
	var incs [3]workflow.Incident
	update(t, s, func(tx *Tx) error {
		for i := range incs {
			incs[i] = newIncident("incident")
			if err := tx.CreateIncident(&incs[i]); err != nil {
				return err
			}
		}
		return nil
	})

	changed := incs[1]
	changed.Title = "Invoices empty"
	changed.Fields = workflow.Fields{Type: workflow.TypeTask, Priority: workflow.PriorityLow, System: "erp", Description: "d", Steps: "s"}
	changed.State = workflow.InResolution
	changed.AcceptedBy = "eva@example.com"
	changed.Assignee = "dan@example.com"
	changed.Updated = t0.Add(time.Hour)
	changed.Reporter = "mallory@example.com" // not something SaveIncident changes
	update(t, s, func(tx *Tx) error { return tx.SaveIncident(changed) })

	view(t, s, func(tx *Tx) error {
		got, err := tx.Incident(changed.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := changed
		want.Reporter = incs[1].Reporter
		if !reflect.DeepEqual(got, want) {
			t.Errorf("saved\n%+v\nwant\n%+v", got, want)
		}

		all, err := tx.Incidents(Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 || all[0].ID != 1 || all[1].ID != 2 || all[2].ID != 3 {
			t.Errorf("Incidents(all) = %+v, want IDs 1, 2, 3", all)
		}
		reported, err := tx.Incidents(Filter{State: workflow.Reported})
		if err != nil {
			t.Fatal(err)
		}
		if len(reported) != 2 || reported[0].ID != 1 || reported[1].ID != 3 {
			t.Errorf("Incidents(reported) = %+v, want IDs 1, 3", reported)
		}
		closed, err := tx.Incidents(Filter{State: workflow.Closed})
		if err != nil || len(closed) != 0 {
			t.Errorf("Incidents(closed) = %+v, %v", closed, err)
		}
		return nil
	})
}
