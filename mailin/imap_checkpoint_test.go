package mailin

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"incidentd/workflow/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(t.Context(), filepath.Join(dir, "incidentd.db"), filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// uidValidity reads the UIDVALIDITY of the test user's INBOX.
func uidValidity(t *testing.T, addr string) uint32 {
	t.Helper()
	_, sel := selectAs(t, addr, "INBOX")
	return sel.UIDValidity
}

// Mail at or below the checkpoint is not handed to the Handler again, even
// when it is still in the mailbox (a crash between commit and move, or a
// server that cannot move); a checkpoint of another UIDVALIDITY is ignored.
func TestCheckpointSkipsHandledMailOfTheSameUIDValidity(t *testing.T) {
	for _, tc := range []struct {
		name        string
		sameVersion bool
		want        []string
	}{
		{"same UIDVALIDITY", true, []string{"three"}},
		{"UIDVALIDITY changed", false, []string{"one", "two", "three"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, u := memServer(t, imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapIdle: {}}, nil)
			addr := serve(t, srv, nil)
			if err := u.Create("Processed", nil); err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"one", "two", "three"} {
				appendMail(t, u, s)
			}
			st := openStore(t)
			o := IMAPOptions{Address: addr, Checkpoints: st, Username: user, Mailbox: "INBOX"}
			validity := uidValidity(t, addr)
			if !tc.sameVersion {
				validity++
			}
			if err := st.SaveCheckpoint(t.Context(), o.checkpointKey(), store.Checkpoint{UIDValidity: validity, LastUID: 2}, time.Now()); err != nil {
				t.Fatal(err)
			}
			h := &recorder{}
			stop := watch(t, o, h)
			waitFor(t, "mail in Processed", func() bool { return len(mailbox(t, addr, "Processed")) == len(tc.want) })
			stop()
			if seen := h.seen(); !slices.Equal(seen, tc.want) {
				t.Errorf("handled %q, want %q", seen, tc.want)
			}
			cp, err := st.Checkpoint(t.Context(), o.checkpointKey())
			if err != nil || cp.LastUID != 3 || cp.UIDValidity != uidValidity(t, addr) {
				t.Errorf("checkpoint %+v (%v), want the current UIDVALIDITY and UID 3", cp, err)
			}
		})
	}
}

// A mail whose Handle failed holds the checkpoint back and is tried again
// after a short backoff, without waiting for new mail or an IDLE restart.
func TestFailedMailHoldsTheCheckpointAndIsRetried(t *testing.T) {
	sys := startDemo(t, "")
	send(t, sys, "one", "flaky", "three")
	waitMessages(t, sys, "INBOX", 3)
	st := openStore(t)
	o := IMAPOptions{Address: sys.IMAPAddr, Checkpoints: st, Username: user, Mailbox: "INBOX"}
	h := &recorder{decide: func(subject string, attempt int) (Disposition, error) {
		if subject == "flaky" && attempt == 1 {
			return 0, errors.New("database is locked")
		}
		return Processed, nil
	}}
	watch(t, o, h)
	got := waitMessages(t, sys, "Processed", 3)
	if !slices.Equal(got, []string{"one", "three", "flaky"}) {
		t.Errorf("Processed holds %q", got)
	}
	if seen := h.seen(); !slices.Equal(seen, []string{"one", "flaky", "three", "flaky"}) {
		t.Errorf("handled %q", seen)
	}
	// The retry round found only flaky (UID 2) after the checkpoint (UID 1).
	waitFor(t, "the checkpoint past flaky", func() bool {
		cp, err := st.Checkpoint(context.Background(), o.checkpointKey())
		return err == nil && cp.LastUID == 2
	})
}
