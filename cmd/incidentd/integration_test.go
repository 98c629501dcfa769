//go:build integration

package main

import (
	"bytes"
	"fmt"
	"net/mail"
	"strings"
	"testing"
	"time"

	"incidentd/workflow"
)

// messageID reads the Message-ID of a raw mail, without <>.
func messageID(t *testing.T, raw []byte) string {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Trim(m.Header.Get("Message-Id"), "<> ")
}

// await waits until user's INBOX in Dovecot holds n mails and returns them.
func (r *rig) await(user string, n int) [][]byte {
	r.t.Helper()
	var msgs [][]byte
	eventually(r.t, 30*time.Second, fmt.Sprintf("%d mails for %s", n, user), func() (bool, string) {
		var err error
		msgs, err = r.imap.Messages(rigAddr(user), "INBOX")
		return err == nil && len(msgs) >= n, fmt.Sprintf("%d mails, %v", len(msgs), err)
	})
	return msgs
}

// TestDovecotEndToEnd runs the built daemon against Dovecot: a report and
// its acceptance travel through real IMAP (IDLE, MOVE) and SMTP, a second
// copy of the report changes nothing, and SIGTERM ends the daemon cleanly.
func TestDovecotEndToEnd(t *testing.T) {
	r := newRig(t, true)
	p := r.start()
	if err := r.imap.Append(rigAddr("incidents"), "INBOX", reportMail("carol", 1)); err != nil {
		t.Fatal(err)
	}
	r.await("carol", 1) // the acknowledgement
	notice := r.await("alice", 1)[0]
	if !strings.Contains(string(notice), "[INC-1]") {
		t.Fatalf("the evaluator's notice lacks the tag:\n%s", notice)
	}

	// The same report delivered again, and the evaluator's acceptance.
	if err := r.imap.Append(rigAddr("incidents"), "INBOX", reportMail("carol", 1),
		replyMail("alice", messageID(t, notice), "ACEPTAR", 1)); err != nil {
		t.Fatal(err)
	}
	r.await("bob", 1)
	r.await("carol", 2)
	eventually(t, 30*time.Second, "the inbox emptied into Processed", func() (bool, string) {
		in, done := r.count("INBOX"), r.count("Processed")
		return in == 0 && done == 3, fmt.Sprintf("INBOX %d, Processed %d", in, done)
	})
	incs, hist, err := r.incidents()
	if err != nil {
		t.Fatal(err)
	}
	if len(incs) != 1 || incs[1].State != workflow.InResolution || len(hist[1]) != 2 {
		t.Fatalf("incidents %+v history %+v", incs, hist)
	}

	p.stop(t, 15*time.Second)
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d after SIGTERM", code)
	}
	if got := len(r.smtp.Received()); got != 5 {
		t.Errorf("%d notifications sent, want 5 (report: carol, alice; accept: carol, bob, and alice's receipt)", got)
	}
}
