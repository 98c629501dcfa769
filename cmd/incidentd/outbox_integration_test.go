//go:build integration

package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"incidentd/mailservers/smtpsink"
	"incidentd/workflow/store"
)

// cli runs the built incidentd with the rig's configuration and returns
// what it printed and its exit code.
func (r *rig) cli(args ...string) (string, int) {
	r.t.Helper()
	cmd := exec.Command(binary, append(args[:1:1], append([]string{"-config", r.cfgPath}, args[1:]...)...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
		return out.String(), exit.ExitCode()
	}
	if err != nil {
		r.t.Fatal(err)
	}
	return out.String(), 0
}

// TestOutboxListsAndRetriesFailedMail: a mail the SMTP server refuses for
// good is marked failed and shown by `incidentd outbox`; once the cause is
// fixed, `incidentd outbox -retry all` puts it back and it is sent.
func TestOutboxListsAndRetriesFailedMail(t *testing.T) {
	r := newRig(t, false)
	var refuse atomic.Bool
	refuse.Store(true)
	r.smtp.SetDeliver(func(_ int, m *smtpsink.Mail) error {
		for _, to := range m.To {
			if refuse.Load() && strings.HasPrefix(to, "alice@") {
				return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 2, 1}, Message: "mailbox disabled"}
			}
		}
		return nil
	})
	p := r.start()
	if err := r.imap.Append(rigAddr("incidents"), "INBOX", reportMail("carol", 1)); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, "one mail sent, one failed", func() (bool, string) {
		out, err := r.outbox()
		return len(out[store.OutboxSent]) == 1 && len(out[store.OutboxFailed]) == 1, fmt.Sprintf("outbox %s (%v)", summary(out), err)
	})
	p.stop(t, 15*time.Second)

	out, code := r.cli("outbox", "-state", "failed")
	if code != 0 || !strings.Contains(out, "alice@example.com") || !strings.Contains(out, "550") ||
		strings.Contains(out, "carol@example.com") {
		t.Fatalf("outbox -state failed (exit %d):\n%s", code, out)
	}
	if out, code := r.cli("outbox", "-retry", "1"); code != 1 || !strings.Contains(out, "not in the failed state") {
		t.Errorf("retrying a sent mail (exit %d): %s", code, out)
	}
	refuse.Store(false)
	if out, code := r.cli("outbox", "-retry", "all"); code != 0 || !strings.HasPrefix(out, "1 failed mail") {
		t.Fatalf("outbox -retry all (exit %d): %s", code, out)
	}
	p = r.start()
	eventually(t, time.Minute, "both mails sent", func() (bool, string) {
		out, err := r.outbox()
		return len(out[store.OutboxSent]) == 2, fmt.Sprintf("outbox %s (%v)", summary(out), err)
	})
	p.stop(t, 15*time.Second)
	if out, code := r.cli("outbox"); code != 0 || strings.Count(out, " sent 20") != 2 {
		t.Errorf("outbox (exit %d):\n%s", code, out)
	}
}
