package store

import (
	"testing"
	"time"
)

func TestCheckpointIsPerMailboxAndReplaced(t *testing.T) {
	s := openTest(t)
	ctx := t.Context()
	if cp, err := s.Checkpoint(ctx, "imap://a/INBOX"); err != nil || cp != (Checkpoint{}) {
		t.Fatalf("no checkpoint yet: %+v, %v", cp, err)
	}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, cp := range []Checkpoint{{UIDValidity: 7, LastUID: 10}, {UIDValidity: 8, LastUID: 3}} {
		if err := s.SaveCheckpoint(ctx, "imap://a/INBOX", cp, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveCheckpoint(ctx, "imap://b/INBOX", Checkpoint{UIDValidity: 1, LastUID: 99}, now); err != nil {
		t.Fatal(err)
	}
	if cp, err := s.Checkpoint(ctx, "imap://a/INBOX"); err != nil || cp != (Checkpoint{UIDValidity: 8, LastUID: 3}) {
		t.Errorf("checkpoint of a: %+v, %v", cp, err)
	}
	if cp, err := s.Checkpoint(ctx, "imap://b/INBOX"); err != nil || cp.LastUID != 99 {
		t.Errorf("checkpoint of b: %+v, %v", cp, err)
	}
}
