package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Mail listed in the sent log and not recorded when the process stopped
// is recorded as sent by the next process to open the log, with the time
// it was accepted; a line cut short is skipped, and the log starts empty.
func TestSentLogRecordsWhatACrashLeft(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "incidentd.db")
	ctx := context.Background()
	s, err := Open(ctx, path, filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	update(t, s, func(tx *Tx) error {
		for _, id := range []string{"n1@incidentd", "n2@incidentd", "n3@incidentd"} {
			if err := tx.Enqueue(outgoing(id, 0, t0)); err != nil {
				return err
			}
		}
		return nil
	})
	l, err := s.OpenSentLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	accepted := t0.Add(time.Minute)
	if err := l.Append(accepted, 1, 2); err != nil {
		t.Fatal(err)
	}
	s.Close() // n1 and n2 were never recorded as sent
	f, err := os.OpenFile(sentLogPath(path), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("3 17") // cut short: no line end
	f.Close()

	s, err = Open(ctx, path, filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.OpenSentLog(ctx); err != nil {
		t.Fatal(err)
	}
	var rows []Outgoing
	view(t, s, func(tx *Tx) error {
		rows, err = tx.Outbox("")
		return err
	})
	for _, o := range rows { // newest first
		want := map[int64]string{1: OutboxSent, 2: OutboxSent, 3: OutboxPending}[o.ID]
		if o.State != want || (want == OutboxSent && !o.SentAt.Equal(accepted)) {
			t.Errorf("mail %d: %s at %v, want %s at %v", o.ID, o.State, o.SentAt, want, accepted)
		}
	}
	if info, err := os.Stat(sentLogPath(path)); err != nil || info.Size() != 0 {
		t.Errorf("the sent log after it was read: %v, %v; want empty", info, err)
	}
}

// Recorded empties the log once it is large, not before.
func TestSentLogIsEmptiedWhenRecorded(t *testing.T) {
	s := openTest(t)
	l, err := s.OpenSentLog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		info, err := l.f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		return info.Size()
	}
	for l.size < sentLogMax {
		if err := l.Append(t0, 1, 2, 3, 4); err != nil {
			t.Fatal(err)
		}
		if l.size < sentLogMax {
			if err := l.Recorded(); err != nil || size() == 0 {
				t.Fatalf("emptied at %d bytes (%v)", l.size, err)
			}
		}
	}
	if err := l.Recorded(); err != nil || size() != 0 {
		t.Errorf("%d bytes left after Recorded (%v)", size(), err)
	}
	if err := l.Append(t0, 5); err != nil || size() == 0 {
		t.Errorf("nothing appended after emptying: %v", err)
	}
}
