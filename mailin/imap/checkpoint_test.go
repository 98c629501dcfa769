package imap

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	goimap "github.com/emersion/go-imap/v2"
)

// memCheckpoints keeps checkpoints in memory.
type memCheckpoints struct {
	mu  sync.Mutex
	cps map[string]Checkpoint
}

func (m *memCheckpoints) Checkpoint(_ context.Context, key string) (Checkpoint, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cps[key], nil
}

func (m *memCheckpoints) SaveCheckpoint(_ context.Context, key string, cp Checkpoint, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cps == nil {
		m.cps = map[string]Checkpoint{}
	}
	m.cps[key] = cp
	return nil
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
			srv, u := memServer(t, goimap.CapSet{goimap.CapIMAP4rev1: {}, goimap.CapMove: {}, goimap.CapIdle: {}}, nil)
			addr := serve(t, srv, nil)
			if err := u.Create("Processed", nil); err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{"one", "two", "three"} {
				appendMail(t, u, s)
			}
			st := &memCheckpoints{}
			o := Options{Address: addr, Checkpoints: st, Username: user, Mailbox: "INBOX"}
			validity := uidValidity(t, addr)
			if !tc.sameVersion {
				validity++
			}
			if err := st.SaveCheckpoint(t.Context(), o.checkpointKey(), Checkpoint{UIDValidity: validity, LastUID: 2}, time.Now()); err != nil {
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

// A mail whose handling failed holds the checkpoint back and is tried again
// after a short backoff, without waiting for new mail or an IDLE restart.
func TestFailedMailHoldsTheCheckpointAndIsRetried(t *testing.T) {
	sys := startDemo(t, "")
	send(t, sys, "one", "flaky", "three")
	waitMessages(t, sys, "INBOX", 3)
	st := &memCheckpoints{}
	o := Options{Address: sys.IMAPAddr, Checkpoints: st, Username: user, Mailbox: "INBOX"}
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
