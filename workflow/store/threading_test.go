package store

import (
	"testing"
)

func TestProcessedDedupe(t *testing.T) {
	s := openTest(t)
	inc := newIncident("dedupe")
	update(t, s, func(tx *Tx) error {
		if err := tx.CreateIncident(&inc); err != nil {
			return err
		}
		if err := tx.MarkProcessed("report@example.com", inc.ID, "report", t0); err != nil {
			return err
		}
		return tx.MarkProcessed("sha256:00ff", 0, "quarantined", t0)
	})
	view(t, s, func(tx *Tx) error {
		for key, want := range map[string]bool{
			"report@example.com": true,
			"sha256:00ff":        true,
			"other@example.com":  false,
			"sha256:00fe":        false,
		} {
			if got, err := tx.Processed(key); err != nil || got != want {
				t.Errorf("Processed(%q) = %v, %v; want %v", key, got, err, want)
			}
		}
		return nil
	})
	if err := s.Update(t.Context(), func(tx *Tx) error {
		return tx.MarkProcessed("report@example.com", inc.ID, "report", t0)
	}); err == nil {
		t.Error("marked the same mail processed twice")
	}
}

func TestThreading(t *testing.T) {
	s := openTest(t)
	a, b := newIncident("a"), newIncident("b")
	update(t, s, func(tx *Tx) error {
		if err := tx.CreateIncident(&a); err != nil {
			return err
		}
		if err := tx.CreateIncident(&b); err != nil {
			return err
		}
		for _, l := range []struct {
			id  string
			inc int64
		}{
			{"a1@example.com", a.ID}, {"a2@incidentd", a.ID}, {"b1@example.com", b.ID},
			{"a1@example.com", a.ID}, // again: no-op
			{"a2@incidentd", b.ID},   // already a's: stays a's
		} {
			if err := tx.LinkMessage(l.id, l.inc); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx *Tx) error {
		for _, c := range []struct {
			ids    []string
			want   int64
			wantOK bool
		}{
			{[]string{"a1@example.com"}, a.ID, true},
			{[]string{"a1@example.com", "b1@example.com"}, b.ID, true},
			{[]string{"b1@example.com", "a2@incidentd", "unknown@x"}, a.ID, true},
			{[]string{"a2@incidentd", "", "unknown@x"}, a.ID, true},
			{[]string{"unknown@x"}, 0, false},
			{nil, 0, false},
		} {
			got, ok, err := tx.IncidentForMessages(c.ids)
			if err != nil || got != c.want || ok != c.wantOK {
				t.Errorf("IncidentForMessages(%q) = %d, %v, %v; want %d, %v", c.ids, got, ok, err, c.want, c.wantOK)
			}
		}
		if root, err := tx.ThreadRoot(a.ID); err != nil || root != "a1@example.com" {
			t.Errorf("ThreadRoot(a) = %q, %v", root, err)
		}
		if root, err := tx.ThreadRoot(99); err != nil || root != "" {
			t.Errorf("ThreadRoot(99) = %q, %v; want empty", root, err)
		}
		if last, err := tx.ThreadLatest(a.ID); err != nil || last != "a2@incidentd" {
			t.Errorf("ThreadLatest(a) = %q, %v", last, err)
		}
		if last, err := tx.ThreadLatest(99); err != nil || last != "" {
			t.Errorf("ThreadLatest(99) = %q, %v; want empty", last, err)
		}
		return nil
	})
	if err := s.Update(t.Context(), func(tx *Tx) error { return tx.LinkMessage("", a.ID) }); err == nil {
		t.Error("linked an empty Message-ID")
	}
}
