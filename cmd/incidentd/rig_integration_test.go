//go:build integration

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"incidentd/mailservers/dovecot"
	"incidentd/mailservers/smtpsink"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// binary is the incidentd built for the integration tests (TestMain).
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "incidentd-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "incidentd")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build incidentd: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const (
	rigDomain   = "example.com"
	rigPassword = "secret"
)

func rigAddr(name string) string { return name + "@" + rigDomain }

// rig is a private Dovecot, an SMTP sink (or a private Postfix) and the
// built incidentd run as a subprocess against them.
type rig struct {
	t       *testing.T
	imap    *dovecot.Server
	smtp    *smtpsink.Sink
	postfix *dovecot.Postfix
	dir     string
	cfgPath string
	logPath string
}

// rigUsers are the accounts of the rigs, all with rigPassword.
func rigUsers() map[string]string {
	users := map[string]string{}
	for _, u := range []string{"incidents", "carol", "alice", "bob", "ops"} {
		users[rigAddr(u)] = rigPassword
	}
	return users
}

// newRig starts Dovecot with the users incidents, carol, alice, bob and
// ops, and the SMTP sink; when deliver is set the sink delivers every
// notification into the recipient's INBOX in Dovecot.
func newRig(t *testing.T, deliver bool) *rig {
	t.Helper()
	r := setUp(t, dovecot.Start(t, rigUsers()))
	var o smtpsink.Options
	if deliver {
		o.Deliver = r.imap.Deliver
	}
	r.smtp = smtpsink.New(o)
	if err := r.smtp.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.smtp.Stop() })
	cfg := r.baseConfig()
	cfg.SMTP = SMTPConfig{Address: r.smtp.Addr(), TLS: "none", From: "Incidents <" + rigAddr("incidents") + ">"}
	r.write(cfg)
	return r
}

// setUp makes the rig of imap: its directory, and the daemon's log shown
// when the test fails.
func setUp(t *testing.T, imap *dovecot.Server) *rig {
	t.Helper()
	r := &rig{t: t, imap: imap, dir: t.TempDir()}
	r.cfgPath = filepath.Join(r.dir, "incidentd.toml")
	r.logPath = filepath.Join(r.dir, "daemon.log")
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(r.logPath)
			if len(b) > 6000 {
				b = b[len(b)-6000:]
			}
			t.Logf("daemon log (end):\n%s", b)
		}
	})
	return r
}

// baseConfig reads the incidents mailbox over IMAP without TLS, with the
// workflow, the secrets and the storage of every rig; SMTP is left to the
// caller.
func (r *rig) baseConfig() Config {
	r.t.Helper()
	cfg := defaultConfig()
	cfg.IMAP = IMAPConfig{Address: r.imap.Addr, TLS: "none", Username: rigAddr("incidents"),
		Mailbox: "INBOX", ProcessedMailbox: "Processed", QuarantineMailbox: "Quarantine",
		PollInterval: Duration{5 * time.Second}, Secret: Secret{PasswordFile: r.secret("imap-password", rigPassword)}}
	cfg.Workflow.Domains = []string{rigDomain}
	cfg.Workflow.Evaluators = []string{rigAddr("alice")}
	cfg.Workflow.Resolvers = []string{rigAddr("bob")}
	cfg.Workflow.Admins = []string{rigAddr("ops")}
	// Replies written before the daemon saw the incident carry no token:
	// the From address is what authenticates them here.
	cfg.Security.CommandAuth = "sender"
	cfg.Security.TokenSecretFile = r.secret("token-secret", strings.Repeat("integration-secret-", 4))
	cfg.Storage.Database = "incidentd.db" // relative: next to the configuration
	cfg.Storage.AttachmentsDir = "attachments"
	return cfg
}

// secret writes value to the file name of the rig's directory (mode 0600)
// and returns its path.
func (r *rig) secret(name, value string) string {
	r.t.Helper()
	p := filepath.Join(r.dir, name)
	if err := os.WriteFile(p, []byte(value), 0o600); err != nil {
		r.t.Fatal(err)
	}
	return p
}

// write saves cfg as the rig's configuration.
func (r *rig) write(cfg Config) {
	r.t.Helper()
	if err := writeConfig(r.cfgPath, cfg); err != nil {
		r.t.Fatal(err)
	}
}

// proc is one run of the daemon.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when it exited
}

// start runs `incidentd run -config …`, its log appended to daemon.log.
func (r *rig) start() *proc {
	r.t.Helper()
	log, err := os.OpenFile(r.logPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		r.t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command(binary, "run", "-config", r.cfgPath)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(p.done)
	}()
	r.t.Cleanup(p.kill)
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill is kill -9.
func (p *proc) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

// stop sends SIGTERM and waits for the exit; it fails the test when the
// daemon takes longer than timeout.
func (p *proc) stop(t *testing.T, timeout time.Duration) {
	t.Helper()
	p.cmd.Process.Signal(os.Interrupt)
	p.wait(t, timeout)
}

// wait waits for the exit; it fails the test when the daemon takes longer
// than timeout.
func (p *proc) wait(t *testing.T, timeout time.Duration) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		t.Errorf("the daemon did not exit within %v", timeout)
		p.kill()
	}
}

// daemonLog is what the daemon has logged so far.
func (r *rig) daemonLog() string {
	b, _ := os.ReadFile(r.logPath)
	return string(b)
}

// view reads the daemon's database (while it runs, too: WAL).
func (r *rig) view(fn func(*store.Tx) error) error {
	st, err := store.Open(context.Background(), filepath.Join(r.dir, "incidentd.db"), filepath.Join(r.dir, "attachments"))
	if err != nil {
		return err
	}
	defer st.Close()
	return st.View(context.Background(), fn)
}

// eventually polls cond every 100 ms until it holds, or fails the test
// after timeout with what cond said last.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached within %v; last: %s", what, timeout, state)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// count is how many mails a mailbox of the incidents account holds.
func (r *rig) count(mailbox string) int {
	n, err := r.imap.Count(rigAddr("incidents"), mailbox)
	if err != nil {
		r.t.Logf("count %s: %v", mailbox, err)
		return -1
	}
	return n
}

// incidents lists every incident with its history.
func (r *rig) incidents() (map[int64]workflow.Incident, map[int64][]workflow.Event, error) {
	incs := map[int64]workflow.Incident{}
	hist := map[int64][]workflow.Event{}
	err := r.view(func(tx *store.Tx) error {
		all, err := tx.Incidents(store.Filter{})
		if err != nil {
			return err
		}
		for _, inc := range all {
			incs[inc.ID] = inc
			if hist[inc.ID], err = tx.Events(inc.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return incs, hist, err
}

// reportMail is report number i from user.
func reportMail(user string, i int) []byte {
	return fmt.Appendf(nil, "From: %s\r\nTo: incidents@example.com\r\n"+
		"Subject: Report %d: the payroll export fails\r\nMessage-ID: <report-%d@example.com>\r\n"+
		"Date: Mon, 02 Mar 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
		"Sistema: Nóminas\r\nPrioridad: Alta\r\n\r\nThe export of run %d stops at 50%%.\r\n", rigAddr(user), i, i, i)
}

// replyMail is a reply from user to the mail with Message-ID parent.
func replyMail(user, parent, text string, n int) []byte {
	return fmt.Appendf(nil, "From: %s\r\nTo: incidents@example.com\r\nSubject: Re: the payroll export fails\r\n"+
		"Message-ID: <reply-%s-%d@example.com>\r\nIn-Reply-To: <%s>\r\nReferences: <%s>\r\n"+
		"Date: Mon, 02 Mar 2026 11:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
		rigAddr(user), user, n, parent, parent, text)
}

// outbox lists the outbox by state.
func (r *rig) outbox() (map[string][]store.Outgoing, error) {
	out := map[string][]store.Outgoing{}
	err := r.view(func(tx *store.Tx) error {
		all, err := tx.Outbox("")
		for _, o := range all {
			out[o.State] = append(out[o.State], o)
		}
		return err
	})
	return out, err
}

func summary(out map[string][]store.Outgoing) string {
	var b strings.Builder
	for _, s := range []string{store.OutboxPending, store.OutboxSent, store.OutboxFailed} {
		fmt.Fprintf(&b, "%s=%d ", s, len(out[s]))
	}
	return b.String()
}
