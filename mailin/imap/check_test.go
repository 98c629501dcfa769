package imap

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"incidentd/mailauth"
)

// Check walks the connection step by step and creates the mailboxes Watch
// would create; a wrong password stops it at the login, in the server's
// words and with advice.
func TestCheck(t *testing.T) {
	sys := startDemo(t, "")
	run := func(pass string) ([]string, error) {
		var lines []string
		err := Check(context.Background(), Options{Address: sys.IMAPAddr, TLS: "none", Username: user, Password: pass},
			func(s mailauth.Step) {
				if s.Err != nil {
					lines = append(lines, fmt.Sprintf("FAIL %s: %v / %s", s.What, s.Err, mailauth.Hint(s.Err)))
				} else {
					lines = append(lines, "ok "+s.What+": "+s.Detail)
				}
			})
		return lines, err
	}
	lines, err := run(password)
	if err != nil {
		t.Fatalf("Check: %v\n%s", err, strings.Join(lines, "\n"))
	}
	want := []string{
		"ok TCP connection to " + sys.IMAPAddr + ": ",
		"ok authentication mechanisms: offered PLAIN LOGIN; PLAIN chosen",
		"ok login as incidents (PLAIN): ",
		"ok mailbox INBOX: 0 messages",
		"ok mailbox Processed: was missing: created",
		"ok mailbox Quarantine: was missing: created",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("steps:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if lines, _ := run(password); lines[4] != "ok mailbox Processed: present" {
		t.Errorf("second check: %s, want the mailbox present", lines[4])
	}

	lines, err = run("wrong")
	if !mailauth.Lasting(err) {
		t.Errorf("Check with a wrong password: %v, want a lasting failure", err)
	}
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "FAIL login as incidents (PLAIN): authentication failed") || !strings.Contains(last, "check username") {
		t.Errorf("last step %q, want the refused login with advice", last)
	}
	if strings.Contains(strings.Join(lines, "\n"), "wrong") {
		t.Errorf("the password is in the steps:\n%s", strings.Join(lines, "\n"))
	}
}
