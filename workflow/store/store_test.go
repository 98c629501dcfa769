package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"incidentd/workflow"
)

// openTest opens a store on a fresh file in a temporary directory.
func openTest(t *testing.T) *Store {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(context.Background(), filepath.Join(dir, "db", "incidentd.db"), filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// update runs fn in a transaction that must succeed.
func update(t *testing.T, s *Store, fn func(*Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

// view runs fn in a read-only transaction that must succeed.
func view(t *testing.T, s *Store, fn func(*Tx) error) {
	t.Helper()
	if err := s.View(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

var t0 = time.Date(2025, 3, 10, 9, 0, 0, 123456789, time.UTC)

func newIncident(title string) workflow.Incident {
	return workflow.Incident{
		Title:        title,
		Reporter:     "ana@example.com",
		ReporterName: "Ana Pérez",
		Fields: workflow.Fields{
			Type: workflow.TypeError, Priority: workflow.PriorityHigh, System: "billing",
			Description: "Invoices are empty.\nSince Monday.", Steps: "1. open\n2. print",
		},
		State:   workflow.Reported,
		Created: t0,
		Updated: t0,
	}
}

func TestOpenMigratesAndReopens(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path, blobs := filepath.Join(dir, "incidentd.db"), filepath.Join(dir, "blobs")
	s, err := Open(ctx, path, blobs)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := schemaVersion(ctx, s); err != nil || v != len(migrations) {
		t.Fatalf("fresh database at version %d (%v), want %d", v, err, len(migrations))
	}
	inc := newIncident("kept across opens")
	update(t, s, func(tx *Tx) error { return tx.CreateIncident(&inc) })
	var schema string
	if err := s.write.db.QueryRowContext(ctx, `SELECT group_concat(sql, ';') FROM sqlite_schema`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, path, blobs)
	if err != nil {
		t.Fatalf("second open: %v", err)
	}
	defer s.Close()
	if v, err := schemaVersion(ctx, s); err != nil || v != len(migrations) {
		t.Fatalf("reopened database at version %d (%v), want %d", v, err, len(migrations))
	}
	var again string
	if err := s.write.db.QueryRowContext(ctx, `SELECT group_concat(sql, ';') FROM sqlite_schema`).Scan(&again); err != nil {
		t.Fatal(err)
	}
	if again != schema {
		t.Errorf("schema changed by a second open:\n%s\nwas\n%s", again, schema)
	}
	view(t, s, func(tx *Tx) error {
		got, err := tx.Incident(inc.ID)
		if err != nil || got.Title != inc.Title {
			t.Errorf("after reopening: %+v, %v", got, err)
		}
		return nil
	})
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "incidentd.db")
	s, err := Open(ctx, path, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.db.ExecContext(ctx, "PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err := Open(ctx, path, dir); err == nil {
		s.Close()
		t.Fatal("opened a database from a newer version")
	}
}

func TestUpdateRollsBackOnError(t *testing.T) {
	s := openTest(t)
	boom := errors.New("boom")
	var id int64
	err := s.Update(context.Background(), func(tx *Tx) error {
		inc := newIncident("doomed")
		if err := tx.CreateIncident(&inc); err != nil {
			return err
		}
		id = inc.ID
		if err := tx.MarkProcessed("<doomed@example.com>", inc.ID, "report", t0); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want fn's error", err)
	}
	view(t, s, func(tx *Tx) error {
		if _, err := tx.Incident(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("incident created in a failed Update: %v", err)
		}
		if done, err := tx.Processed("<doomed@example.com>"); err != nil || done {
			t.Errorf("mail marked processed in a failed Update: %v %v", done, err)
		}
		return nil
	})
}

func TestViewRefusesWrites(t *testing.T) {
	s := openTest(t)
	err := s.View(context.Background(), func(tx *Tx) error {
		inc := newIncident("read-only")
		return tx.CreateIncident(&inc)
	})
	if err == nil {
		t.Fatal("CreateIncident inside View succeeded")
	}
	view(t, s, func(tx *Tx) error {
		if all, err := tx.Incidents(Filter{}); err != nil || len(all) != 0 {
			t.Errorf("incidents after a write in View: %v, %v", all, err)
		}
		return nil
	})
}

// Writers in parallel queue up on the immediate lock instead of failing
// with "database is locked", and readers go on meanwhile.
func TestConcurrentUpdates(t *testing.T) {
	s := openTest(t)
	const writers, each = 8, 20
	errs := make(chan error, writers*2)
	for range writers {
		go func() {
			for range each {
				if err := s.Update(context.Background(), func(tx *Tx) error {
					inc := newIncident("parallel")
					return tx.CreateIncident(&inc)
				}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
		go func() {
			errs <- s.View(context.Background(), func(tx *Tx) error {
				_, err := tx.Incidents(Filter{})
				return err
			})
		}()
	}
	for range writers * 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	view(t, s, func(tx *Tx) error {
		all, err := tx.Incidents(Filter{})
		if err != nil || len(all) != writers*each || all[len(all)-1].ID != writers*each {
			t.Errorf("after parallel creates: %d incidents, %v", len(all), err)
		}
		return nil
	})
}

// schemaVersion reads the database's schema version (PRAGMA user_version).
func schemaVersion(ctx context.Context, s *Store) (int, error) {
	var v int
	err := s.write.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// Writes take turns on one connection, and a statement new to it works
// in the transaction that first runs it and in the ones after; reads do
// not wait for writes, and see what was committed.
func TestWritesTakeTurnsReadsDoNot(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	first := newIncident("first")
	update(t, s, func(tx *Tx) error { return tx.CreateIncident(&first) })

	writing, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.Update(ctx, func(tx *Tx) error {
			inc := newIncident("second")
			if err := tx.CreateIncident(&inc); err != nil {
				return err
			}
			close(writing)
			<-release
			return nil
		})
	}()
	<-writing
	view(t, s, func(tx *Tx) error {
		if _, err := tx.Incident(first.ID + 1); !errors.Is(err, ErrNotFound) {
			t.Errorf("a read during a write sees the uncommitted incident: %v", err)
		}
		return nil
	})
	waited := make(chan error, 1)
	go func() {
		waited <- s.Update(ctx, func(tx *Tx) error {
			_, err := tx.exec(`UPDATE incidents SET title = title || ' (read after)' WHERE id = ?`, first.ID+1)
			return err
		})
	}()
	select {
	case err := <-waited:
		t.Fatalf("a write did not wait for the one in progress: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := <-waited; err != nil {
		t.Fatal(err)
	}
	view(t, s, func(tx *Tx) error {
		inc, err := tx.Incident(first.ID + 1)
		if err != nil || inc.Title != "second (read after)" {
			t.Errorf("after both writes: %q, %v", inc.Title, err)
		}
		return nil
	})
}

// A database whose path holds the characters that end or escape an SQLite
// URI's path is opened where it is named, not at the part before them.
func TestOpenPathWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a#b?c%d")
	path := filepath.Join(dir, "incidentd.db")
	s, err := Open(context.Background(), path, filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the database is not at %s: %v", path, err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 1 {
		t.Errorf("%d entries beside the database's directory, want it alone (nothing made at the part of the path before '#')", len(entries))
	}
}
