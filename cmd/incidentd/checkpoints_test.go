package main

import (
	"path/filepath"
	"testing"
	"time"

	"incidentd/mailin/imap"
	"incidentd/workflow/store"
)

// The IMAP intake's checkpoints are kept in the store, per mailbox.
func TestCheckpointsKeptInTheStore(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(t.Context(), filepath.Join(dir, "incidentd.db"), filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var cps imap.Checkpoints = checkpoints{st}
	want := imap.Checkpoint{UIDValidity: 7, LastUID: 42}
	if err := cps.SaveCheckpoint(t.Context(), "imap://a/INBOX", want, time.Now()); err != nil {
		t.Fatal(err)
	}
	if cp, err := cps.Checkpoint(t.Context(), "imap://a/INBOX"); err != nil || cp != want {
		t.Errorf("checkpoint %+v (%v), want %+v", cp, err, want)
	}
	if cp, err := cps.Checkpoint(t.Context(), "imap://b/INBOX"); err != nil || cp != (imap.Checkpoint{}) {
		t.Errorf("checkpoint of another mailbox %+v (%v), want none", cp, err)
	}
}
