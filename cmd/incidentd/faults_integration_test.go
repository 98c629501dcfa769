//go:build integration

package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"incidentd/workflow/store"
)

// processedAll waits until the inbox is empty, n mails are in Processed
// and n incidents exist.
func (r *rig) processedAll(n int, timeout time.Duration) {
	r.t.Helper()
	eventually(r.t, timeout, fmt.Sprintf("%d mails processed", n), func() (bool, string) {
		in, done := r.count("INBOX"), r.count("Processed")
		incs, _, err := r.incidents()
		return in == 0 && done == n && len(incs) == n, fmt.Sprintf("INBOX %d, Processed %d, incidents %d (%v)", in, done, len(incs), err)
	})
}

// TestSMTPDownThenBack: notifications wait in the outbox while the SMTP
// server is down and all go out once it is back; the daemon never exits.
func TestSMTPDownThenBack(t *testing.T) {
	r := newRig(t, false)
	r.smtp.Stop()
	p := r.start()
	var mails [][]byte
	for i := 1; i <= 5; i++ {
		mails = append(mails, reportMail("carol", i))
	}
	if err := r.imap.Append(rigAddr("incidents"), "INBOX", mails...); err != nil {
		t.Fatal(err)
	}
	r.processedAll(5, time.Minute)
	eventually(t, time.Minute, "every notification tried and kept for later", func() (bool, string) {
		out, err := r.outbox()
		tried := 0
		for _, o := range out[store.OutboxPending] {
			if o.Attempts > 0 && o.LastError != "" {
				tried++
			}
		}
		return tried == 10, fmt.Sprintf("%d tried; outbox %s (%v)", tried, summary(out), err)
	})

	if err := r.smtp.Start(); err != nil {
		t.Fatal(err)
	}
	// The first retry comes 30 s (±20 %) after the failure.
	eventually(t, 2*time.Minute, "the outbox sent", func() (bool, string) {
		out, err := r.outbox()
		return len(out[store.OutboxSent]) == 10, fmt.Sprintf("outbox %s (%v)", summary(out), err)
	})
	if got := len(r.smtp.Received()); got < 10 {
		t.Errorf("the SMTP server accepted %d mails, want 10", got)
	}
	if p.exited() {
		t.Fatal("the daemon exited")
	}
	p.stop(t, 15*time.Second)
}

// TestIMAPRestartMidRun: Dovecot stops and starts again while the daemon
// runs; it reconnects and carries on.
func TestIMAPRestartMidRun(t *testing.T) {
	r := newRig(t, false)
	p := r.start()
	if err := r.imap.Append(rigAddr("incidents"), "INBOX", reportMail("carol", 1), reportMail("carol", 2)); err != nil {
		t.Fatal(err)
	}
	r.processedAll(2, time.Minute)
	r.imap.Stop()
	time.Sleep(2 * time.Second) // the daemon finds the server gone and backs off
	r.imap.Start()
	if err := r.imap.Append(rigAddr("incidents"), "INBOX", reportMail("carol", 3), reportMail("carol", 4)); err != nil {
		t.Fatal(err)
	}
	r.processedAll(4, time.Minute)
	if p.exited() {
		t.Fatal("the daemon exited")
	}
	if !strings.Contains(r.daemonLog(), "reconnecting") {
		t.Error("the daemon did not log the lost connection")
	}
	p.stop(t, 15*time.Second)
}

// lockDatabase takes the database's write lock from another connection,
// as an operator's sqlite3 shell in the middle of a transaction would:
// nothing else can write until unlock.
func (r *rig) lockDatabase() (unlock func()) {
	r.t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(r.dir, "incidentd.db"))
	if err != nil {
		r.t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
		r.t.Fatal(err)
	}
	return func() {
		conn.ExecContext(context.Background(), "ROLLBACK")
		conn.Close()
		db.Close()
	}
}

// TestDatabaseUnwritable: while the database cannot be written, new mail
// stays in the inbox untouched and the log says why; once it can be
// written again the mail is handled, without new mail to wake the daemon.
func TestDatabaseUnwritable(t *testing.T) {
	r := newRig(t, false)
	p := r.start()
	if err := r.imap.Append(rigAddr("incidents"), "INBOX", reportMail("carol", 1)); err != nil {
		t.Fatal(err)
	}
	r.processedAll(1, time.Minute)

	unlock := r.lockDatabase()
	if err := r.imap.Append(rigAddr("incidents"), "INBOX", reportMail("carol", 2), reportMail("carol", 3)); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, "the failure logged", func() (bool, string) {
		return strings.Count(r.daemonLog(), "mail not handled; it stays in the mailbox") >= 2, "no log line yet"
	})
	inbox, err := r.imap.Messages(rigAddr("incidents"), "INBOX")
	if err != nil || len(inbox) != 2 {
		t.Fatalf("INBOX holds %d mails (%v), want the two new ones", len(inbox), err)
	}
	if n := r.count("Processed"); n != 1 {
		t.Errorf("Processed holds %d mails, want 1", n)
	}
	if !strings.Contains(r.daemonLog(), "database is locked") {
		t.Error("the log does not say the database is locked")
	}

	unlock()
	r.processedAll(3, 2*time.Minute)
	if p.exited() {
		t.Fatal("the daemon exited")
	}
	p.stop(t, 15*time.Second)
}

// busyDaemon is a daemon in the middle of a mail whose transaction waits
// for the database, locked until unlock is called.
func busyDaemon(t *testing.T) (r *rig, p *proc, unlock func()) {
	r = newRig(t, false)
	p = r.start()
	if err := r.imap.Append(rigAddr("incidents"), "INBOX", reportMail("carol", 1)); err != nil {
		t.Fatal(err)
	}
	r.processedAll(1, time.Minute)
	unlock = r.lockDatabase()
	t.Cleanup(unlock)
	if err := r.imap.Append(rigAddr("incidents"), "INBOX", reportMail("carol", 2)); err != nil {
		t.Fatal(err)
	}
	// IDLE brings the mail in within a second; its transaction then waits
	// up to 5 s for the lock.
	time.Sleep(2 * time.Second)
	return r, p, unlock
}

// TestSIGTERMFinishesTheMailInFlight: SIGTERM stops the intake but lets
// the transaction in flight commit and its mail move, then exits with 0.
func TestSIGTERMFinishesTheMailInFlight(t *testing.T) {
	r, p, unlock := busyDaemon(t)
	p.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(500 * time.Millisecond)
	if p.exited() {
		t.Fatal("the daemon exited before its transaction finished")
	}
	unlock()
	p.wait(t, 15*time.Second)
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	if in, done := r.count("INBOX"), r.count("Processed"); in != 0 || done != 2 {
		t.Errorf("INBOX %d, Processed %d: the mail in flight did not finish", in, done)
	}
}

// TestSecondSignalExitsAtOnce: a second SIGTERM does not wait for the
// transaction in flight.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	_, p, _ := busyDaemon(t)
	p.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(100 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(2 * time.Second):
		t.Fatal("the daemon did not exit at the second signal")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 2 {
		t.Errorf("exit code %d after two signals, want 2", code)
	}
}
