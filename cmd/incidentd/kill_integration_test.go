//go:build integration

package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// TestKill9WhileDrainingBacklog kills the daemon with SIGKILL at random
// moments while it drains a backlog of 500 reports and 100 acceptances,
// restarting it each time. Afterwards every report is exactly one
// incident, every acceptance happened once, and every notification was
// accepted by the SMTP server at least once (how many twice is printed).
func TestKill9WhileDrainingBacklog(t *testing.T) {
	const reports, accepts, maxKills = 500, 100, 20
	r := newRig(t, false)
	var backlog [][]byte
	for i := 1; i <= reports; i++ {
		backlog = append(backlog, reportMail("carol", i))
	}
	for k := 1; k <= accepts; k++ {
		backlog = append(backlog, replyMail("alice", fmt.Sprintf("report-%d@example.com", k), "ACEPTAR", k))
	}
	if err := r.imap.Append(rigAddr("incidents"), "INBOX", backlog...); err != nil {
		t.Fatal(err)
	}

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, seed))
	t.Logf("random kill moments from seed %d", seed)
	began := time.Now()
	kills := 0
	p := r.start()
	for kills < maxKills && r.count("INBOX") > 0 {
		select {
		case <-p.done:
			t.Fatalf("the daemon exited by itself (see its log)")
		case <-time.After(50*time.Millisecond + time.Duration(rng.Int64N(int64(400*time.Millisecond)))):
		}
		p.kill()
		kills++
		p = r.start()
	}
	eventually(t, 5*time.Minute, "backlog drained and outbox sent", func() (bool, string) {
		out, err := r.outbox()
		in := r.count("INBOX")
		done := in == 0 && err == nil && len(out[store.OutboxPending]) == 0 && len(out[store.OutboxSent]) > 0
		return done, fmt.Sprintf("INBOX %d, outbox %s (%v)", in, summary(out), err)
	})
	drained := time.Since(began)
	p.stop(t, 15*time.Second)

	incs, hist, err := r.incidents()
	if err != nil {
		t.Fatal(err)
	}
	if len(incs) != reports {
		t.Errorf("%d incidents, want %d", len(incs), reports)
	}
	byReport := map[string]int64{}
	for id, events := range hist {
		count := map[workflow.EventKind]int{}
		for _, ev := range events {
			count[ev.Kind]++
			if ev.Kind == workflow.EventReported {
				key := strings.Trim(ev.MessageID, "<>")
				if prev, dup := byReport[key]; dup {
					t.Errorf("%s made INC-%d and INC-%d", key, prev, id)
				}
				byReport[key] = id
			}
		}
		if count[workflow.EventReported] != 1 || count[workflow.EventAccepted] > 1 || len(events) != 1+count[workflow.EventAccepted] {
			t.Errorf("INC-%d history %v", id, count)
		}
	}
	for k := 1; k <= reports; k++ {
		id, ok := byReport[fmt.Sprintf("report-%d@example.com", k)]
		if !ok {
			t.Errorf("report %d made no incident", k)
			continue
		}
		want := workflow.Reported
		if k <= accepts {
			want = workflow.InResolution
		}
		if incs[id].State != want {
			t.Errorf("report %d (INC-%d) is %s, want %s", k, id, incs[id].State, want)
		}
	}

	out, err := r.outbox()
	if err != nil {
		t.Fatal(err)
	}
	// A report tells its reporter and the evaluator; an acceptance tells the
	// reporter and the resolver, and sends its evaluator a receipt while
	// the evaluator is within the limit of answers to one sender.
	notices, receipts := 0, 0
	for _, o := range out[store.OutboxSent] {
		if o.Notice.Kind == workflow.NoticeReceipt {
			receipts++
		} else {
			notices++
		}
	}
	if want := 2*reports + 2*accepts; notices != want || receipts == 0 || receipts > accepts || len(out[store.OutboxFailed]) != 0 {
		t.Errorf("outbox %s: %d notices and %d receipts, want %d notices and 1 to %d receipts", summary(out), notices, receipts, want, accepts)
	}
	received := map[string]int{}
	for _, e := range r.smtp.Received() {
		received[e.MessageID()]++
	}
	twice := 0
	for _, o := range out[store.OutboxSent] {
		switch n := received[strings.Trim(o.MessageID, "<>")]; {
		case n == 0:
			t.Errorf("outbox mail %d (%s to %s) marked sent but never accepted by SMTP", o.ID, o.Notice.Kind, o.Recipient)
		case n > 1:
			twice++
		}
	}
	if n, err := r.imap.Count(rigAddr("incidents"), "Processed"); err != nil || n != reports+accepts {
		t.Errorf("Processed holds %d mails (%v), want %d", n, err, reports+accepts)
	}
	t.Logf("%d mails drained and %d notifications sent in %v with %d kill -9; %d notifications were sent more than once",
		reports+accepts, len(out[store.OutboxSent]), drained.Round(time.Millisecond), kills, twice)
}
