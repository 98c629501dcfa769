package store

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"incidentd/workflow"
)

func outgoing(msgID string, incidentID int64, date time.Time) Outgoing {
	return Outgoing{
		IncidentID: incidentID,
		MessageID:  msgID,
		Recipient:  "eva@example.com",
		Notice: workflow.Notice{
			Kind: workflow.NoticeNew, To: []string{"eva@example.com"}, Actor: "ana@example.com",
			Incident: workflow.Incident{ID: incidentID, Title: "Invoices", State: workflow.Reported},
			Assumed:  []workflow.Assumption{{Field: "priority", Given: "urgentísimo", Used: "medium"}},
			Refusal:  &workflow.Refusal{Reason: workflow.NotNow, Verb: workflow.Accept, State: workflow.Closed},
			Attach:   true,
		},
		References: []string{"root@example.com", "reply@incidentd"},
		Date:       date,
	}
}

func TestOutboxLifeCycle(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	inc := newIncident("notify")
	first := outgoing("n1@incidentd", 0, t0)
	update(t, s, func(tx *Tx) error {
		if err := tx.CreateIncident(&inc); err != nil {
			return err
		}
		first.IncidentID = inc.ID
		for _, o := range []Outgoing{
			outgoing("n2@incidentd", 0, t0.Add(2*time.Minute)),
			first,
			outgoing("n3@incidentd", 0, t0.Add(time.Hour)),
		} {
			if err := tx.Enqueue(o); err != nil {
				return err
			}
		}
		// The same Message-ID again is ignored.
		dup := outgoing("n1@incidentd", 0, t0.Add(-time.Hour))
		dup.Recipient = "other@example.com"
		return tx.Enqueue(dup)
	})

	if next, ok, err := s.NextDue(ctx); err != nil || !ok || !next.Equal(t0) {
		t.Fatalf("NextDue = %v, %v, %v; want %v", next, ok, err, t0)
	}
	due, err := s.Due(ctx, t0.Add(5*time.Minute), Outgoing{}, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ids := messageIDs(due); !reflect.DeepEqual(ids, []string{"n1@incidentd", "n2@incidentd"}) {
		t.Fatalf("Due = %q, want n1, n2 (oldest first, n3 not yet)", ids)
	}
	got := due[0]
	want := first
	want.ID, want.State, want.NextAttempt = got.ID, OutboxPending, first.Date
	if !reflect.DeepEqual(got, want) {
		t.Errorf("queued mail read back\n%+v\nwant\n%+v", got, want)
	}
	if due, err := s.Due(ctx, t0.Add(5*time.Minute), Outgoing{}, 1, nil); err != nil || len(due) != 1 {
		t.Errorf("Due with limit 1 = %d rows, %v", len(due), err)
	}
	if page, err := s.Due(ctx, t0.Add(5*time.Minute), due[0], 10, nil); err != nil || !reflect.DeepEqual(messageIDs(page), []string{"n2@incidentd"}) {
		t.Errorf("Due after n1 = %q, %v; want n2", messageIDs(page), err)
	}

	// n1 fails once, n2 is sent, n1 is retried later and finally fails.
	n1, n2 := due[0].ID, due[1].ID
	if err := s.MarkRetry(ctx, n1, t0.Add(2*time.Hour), "451 try later"); err != nil {
		t.Fatal(err)
	}
	sentAt := t0.Add(6 * time.Minute)
	if err := s.MarkSent(ctx, sentAt, n2); err != nil {
		t.Fatal(err)
	}
	if due, err := s.Due(ctx, t0.Add(90*time.Minute), Outgoing{}, 10, nil); err != nil || !reflect.DeepEqual(messageIDs(due), []string{"n3@incidentd"}) {
		t.Errorf("Due after retry and sent = %q, %v; want n3", messageIDs(due), err)
	}
	if next, ok, err := s.NextDue(ctx); err != nil || !ok || !next.Equal(t0.Add(time.Hour)) {
		t.Errorf("NextDue = %v, %v, %v; want n3's date", next, ok, err)
	}
	if due, err := s.Due(ctx, t0.Add(3*time.Hour), Outgoing{}, 10, nil); err != nil || !reflect.DeepEqual(messageIDs(due), []string{"n1@incidentd", "n3@incidentd"}) {
		t.Errorf("Due after the retry time = %q, %v; want n1, n3", messageIDs(due), err)
	}
	if err := s.MarkFailed(ctx, n1, "550 no such user"); err != nil {
		t.Fatal(err)
	}

	view(t, s, func(tx *Tx) error {
		all, err := tx.Outbox("")
		if err != nil {
			t.Fatal(err)
		}
		if ids := messageIDs(all); !reflect.DeepEqual(ids, []string{"n3@incidentd", "n1@incidentd", "n2@incidentd"}) {
			t.Errorf("Outbox(all) = %q, want newest first", ids)
		}
		byID := map[string]Outgoing{}
		for _, o := range all {
			byID[o.MessageID] = o
		}
		if o := byID["n1@incidentd"]; o.State != OutboxFailed || o.Attempts != 2 || o.LastError != "550 no such user" ||
			!o.NextAttempt.Equal(t0.Add(2*time.Hour)) || o.Recipient != "eva@example.com" || o.IncidentID != inc.ID {
			t.Errorf("n1 after retry and failure: %+v", o)
		}
		if o := byID["n2@incidentd"]; o.State != OutboxSent || o.Attempts != 0 || !o.SentAt.Equal(sentAt) || o.IncidentID != 0 {
			t.Errorf("n2 after sending: %+v", o)
		}
		for state, want := range map[string][]string{
			OutboxPending: {"n3@incidentd"}, OutboxSent: {"n2@incidentd"}, OutboxFailed: {"n1@incidentd"},
		} {
			if got, err := tx.Outbox(state); err != nil || !reflect.DeepEqual(messageIDs(got), want) {
				t.Errorf("Outbox(%s) = %q, %v; want %q", state, messageIDs(got), err, want)
			}
		}
		return nil
	})

	if err := s.MarkSent(ctx, sentAt, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkSent of an unknown mail: %v, want ErrNotFound", err)
	}
}

func TestNextDueEmpty(t *testing.T) {
	s := openTest(t)
	if next, ok, err := s.NextDue(context.Background()); err != nil || ok || !next.IsZero() {
		t.Errorf("NextDue of an empty outbox = %v, %v, %v", next, ok, err)
	}
}

func messageIDs(os []Outgoing) []string {
	var ids []string
	for _, o := range os {
		ids = append(ids, o.MessageID)
	}
	return ids
}

// TestPendingMailIsFoundByIndex checks that finding due mail reads the
// index of pending mail, not the whole outbox, which keeps every mail
// ever sent.
func TestPendingMailIsFoundByIndex(t *testing.T) {
	s := openTest(t)
	for _, q := range []struct {
		query, index string
		args         []any
	}{
		{dueQuery, "outbox_pending", []any{"", 0, "", 10}},
		{nextDueQuery, "outbox_pending", nil},
	} {
		rows, err := s.write.db.Query("EXPLAIN QUERY PLAN "+q.query, q.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if got := strings.Join(plan, "; "); !strings.Contains(got, "USING INDEX "+q.index) && !strings.Contains(got, "USING COVERING INDEX "+q.index) {
			t.Errorf("plan of %q:\n%s\nwant it to use %s", q.query, got, q.index)
		}
	}
}

// Queued lists what a transaction added to the outbox, as Due reads it,
// without what a savepoint undid; Due takes from held the mails it holds
// that were never tried, and reads the others.
func TestQueuedAndHeldMail(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var queued []Outgoing
	update(t, s, func(tx *Tx) error {
		for _, id := range []string{"n1@incidentd", "n2@incidentd", "n3@incidentd"} {
			if err := tx.Enqueue(outgoing(id, 0, t0.Add(time.Second/3))); err != nil {
				return err
			}
		}
		undone := errors.New("undone")
		if err := tx.Savepoint(func() error {
			if err := tx.Enqueue(outgoing("n4@incidentd", 0, t0)); err != nil {
				return err
			}
			return undone
		}); !errors.Is(err, undone) {
			return err
		}
		if err := tx.Enqueue(outgoing("n1@incidentd", 0, t0)); err != nil { // queued already
			return err
		}
		queued = tx.Queued()
		return nil
	})
	if got := messageIDs(queued); !reflect.DeepEqual(got, []string{"n1@incidentd", "n2@incidentd", "n3@incidentd"}) {
		t.Fatalf("queued %q", got)
	}
	read, err := s.Due(ctx, t0.Add(time.Minute), Outgoing{}, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range read {
		q, r := queued[i], read[i]
		if q.ID != r.ID || !q.Date.Equal(r.Date) || q.Date.Location() != r.Date.Location() || !q.NextAttempt.Equal(r.NextAttempt) ||
			q.State != r.State || q.Attempts != r.Attempts || !reflect.DeepEqual(q.References, r.References) {
			t.Errorf("queued %+v, read back %+v", q, r)
		}
	}

	if err := s.MarkRetry(ctx, queued[2].ID, t0, "451 try later"); err != nil {
		t.Fatal(err)
	}
	held := map[int64]Outgoing{}
	for _, o := range queued {
		o.Recipient = "held@example.com"
		held[o.ID] = o
	}
	due, err := s.Due(ctx, t0.Add(time.Minute), Outgoing{}, 10, func(id int64) (Outgoing, bool) {
		o, ok := held[id]
		return o, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	var rcpts []string
	for _, o := range due {
		rcpts = append(rcpts, o.Recipient)
	}
	// n3 was tried once since it was queued: it is read again.
	if want := []string{"held@example.com", "held@example.com", "eva@example.com"}; !reflect.DeepEqual(rcpts, want) || due[2].Attempts != 1 {
		t.Errorf("due to %q (n3 after %d attempts), want %q", rcpts, due[2].Attempts, want)
	}
}
