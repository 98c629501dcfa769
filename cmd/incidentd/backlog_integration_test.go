//go:build integration

package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"incidentd/workflow/store"
)

// TestLargeBacklogThroughDovecot drains a backlog larger than one move
// (2000 mails), whose handled mail goes to Processed over a second IMAP
// connection while the first fetches: every report is one incident, every
// mail leaves the INBOX for Processed, every notification is sent, and the
// second connection was opened (a failure to open it is logged).
func TestLargeBacklogThroughDovecot(t *testing.T) {
	const reports = 2500
	r := newRig(t, false)
	var backlog [][]byte
	for i := 1; i <= reports; i++ {
		backlog = append(backlog, reportMail("carol", i))
	}
	if err := r.imap.Append(rigAddr("incidents"), "INBOX", backlog...); err != nil {
		t.Fatal(err)
	}
	p := r.start()
	eventually(t, 5*time.Minute, "backlog drained and outbox sent", func() (bool, string) {
		out, err := r.outbox()
		in := r.count("INBOX")
		done := in == 0 && err == nil && len(out[store.OutboxSent]) == 2*reports
		return done, fmt.Sprintf("INBOX %d, outbox %s (%v)", in, summary(out), err)
	})
	p.stop(t, 15*time.Second)

	incs, hist, err := r.incidents()
	if err != nil {
		t.Fatal(err)
	}
	made := map[string]int{}
	for id := range incs {
		for _, ev := range hist[id] {
			made[strings.Trim(ev.MessageID, "<>")]++
		}
	}
	for k := 1; k <= reports; k++ {
		if n := made[fmt.Sprintf("report-%d@example.com", k)]; n != 1 {
			t.Errorf("report %d made %d incidents, want 1", k, n)
		}
	}
	if len(incs) != reports {
		t.Errorf("%d incidents, want %d", len(incs), reports)
	}
	if n := r.count("Processed"); n != reports {
		t.Errorf("Processed holds %d mails, want %d", n, reports)
	}
	for _, line := range strings.Split(r.daemonLog(), "\n") {
		if strings.Contains(line, "second connection not opened") || strings.Contains(line, "level=ERROR") {
			t.Errorf("the daemon logged a failure: %s", line)
		}
	}
}
