// Package dovecottest owns the private Dovecot IMAP server of the
// integration tests: a throwaway configuration, users and mail under one
// temporary directory, a listener on a free loopback port, and the stop of
// the server when the test ends. It also owns the SMTP sink those tests send
// notifications to (Sink).
//
// Tests skip when the dovecot binary is missing, unless the environment
// variable INCIDENTD_REQUIRE_DOVECOT is set: then they fail, so that CI
// cannot pass without having run them. `make test-integration` installs
// Dovecot (Debian package dovecot-imapd) when it is missing.
package dovecottest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RequireEnv names the environment variable that turns a missing Dovecot
// from a skip into a failure.
const RequireEnv = "INCIDENTD_REQUIRE_DOVECOT"

// Server is a running private Dovecot.
type Server struct {
	Addr string // 127.0.0.1:port of the IMAP listener (plaintext)
	Dir  string // everything of the server: configuration, logs, mail

	t         testing.TB
	dovecot   string // path of the binary
	conf      string
	mu        sync.Mutex
	passwords map[string]string
	cmd       *exec.Cmd
	exited    chan struct{}
}

// ProcessGroup is the process group of every process of the server.
func (s *Server) ProcessGroup() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd.Process.Pid
}

// Start starts a Dovecot with the given users (address → password) and
// stops it when the test ends. It skips the test (or fails it, when
// RequireEnv is set) if Dovecot is not installed.
func Start(t testing.TB, users map[string]string) *Server {
	t.Helper()
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		for _, p := range []string{"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"} {
			if _, statErr := os.Stat(p); statErr == nil {
				bin, err = p, nil
				break
			}
		}
	}
	if err != nil {
		msg := "Dovecot is not installed: run `make test-integration` (as root it installs the Debian package dovecot-imapd), or apt-get install dovecot-imapd"
		if os.Getenv(RequireEnv) != "" {
			t.Fatalf("%s is set but %s", RequireEnv, msg)
		}
		t.Skip(msg)
	}
	dir, err := os.MkdirTemp("", "incidentd-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Dir: dir, t: t, dovecot: bin, conf: filepath.Join(dir, "dovecot.conf"), passwords: map[string]string{}}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			s.dumpLog()
		}
		os.RemoveAll(dir)
	})
	if err := s.configure(users); err != nil {
		t.Fatal(err)
	}
	s.Start()
	return s
}

// configure writes the configuration, the users and the mail directory.
func (s *Server) configure(users map[string]string) error {
	// The mail user must be able to reach its files: every directory on
	// the way must be traversable (MkdirTemp makes 0700 ones).
	if err := os.Chmod(s.Dir, 0o755); err != nil {
		return err
	}
	acct, err := mailAccount()
	if err != nil {
		return err
	}
	home := filepath.Join(s.Dir, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		return err
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(home, acct.uid, acct.gid); err != nil {
			return fmt.Errorf("give %s to the mail user: %w", home, err)
		}
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	s.Addr = net.JoinHostPort("127.0.0.1", port)
	conf := strings.NewReplacer("DIR", s.Dir, "PORT", port, "MAILUSER", acct.user,
		"MAILGROUP", acct.group, "SERVICEUSERS\n", acct.serviceUsers).Replace(configTemplate)
	if err := os.WriteFile(s.conf, []byte(conf), 0o644); err != nil {
		return err
	}
	for addr, pw := range users {
		if err := s.AddUser(addr, pw); err != nil {
			return err
		}
	}
	return nil
}

// AddUser creates a user (or changes its password); Dovecot reads the
// file again at the next login.
func (s *Server) AddUser(addr, password string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.passwords[addr] = password
	f, err := os.OpenFile(filepath.Join(s.Dir, "users"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("add user %s: %w", addr, err)
	}
	defer f.Close()
	if _, err := fmt.Fprintf(f, "%s:{PLAIN}%s\n", addr, password); err != nil {
		return fmt.Errorf("add user %s: %w", addr, err)
	}
	return nil
}

// Start starts the server (again, after Stop) and waits until it accepts
// connections.
func (s *Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return
	}
	out, err := os.OpenFile(filepath.Join(s.Dir, "dovecot.out"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		s.t.Fatal(err)
	}
	defer out.Close()
	// A pid file left by a killed server stops a new one from starting.
	os.Remove(filepath.Join(s.Dir, "run", "master.pid"))
	cmd := exec.Command(s.dovecot, "-F", "-c", s.conf)
	// Output to a file: the daemons must not hold the test's pipes open.
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group, so that Stop can end every process of it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start dovecot: %v", err)
	}
	s.cmd, s.exited = cmd, make(chan struct{})
	go func(exited chan struct{}) {
		cmd.Wait()
		close(exited)
	}(s.exited)
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-s.exited:
			s.dumpLog()
			s.t.Fatalf("dovecot exited at start-up (see %s)", filepath.Join(s.Dir, "dovecot.out"))
		default:
		}
		if time.Now().After(deadline) {
			s.dumpLog()
			s.t.Fatalf("dovecot does not listen on %s: %v", s.Addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop stops the server, dropping every connection; Start starts it again
// on the same address with the same mail.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	pgid := s.cmd.Process.Pid
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	// IMAP processes may outlive the master and keep serving their
	// connections: end them, as a restart of the machine would.
	syscall.Kill(-pgid, syscall.SIGKILL)
	s.cmd = nil
}

func (s *Server) dumpLog() {
	for _, name := range []string{"dovecot.out", "dovecot.log"} {
		b, _ := os.ReadFile(filepath.Join(s.Dir, name))
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		if len(b) > 0 {
			s.t.Logf("%s (end):\n%s", name, b)
		}
	}
}

// account is who owns the mail and runs Dovecot's unprivileged processes.
type account struct {
	user, group string
	uid, gid    int
	// serviceUsers overrides the users of Dovecot's own processes.
	serviceUsers string
}

// mailAccount: as root, mail belongs to nobody (Dovecot refuses to keep
// mail as root); otherwise everything runs as the current user.
func mailAccount() (account, error) {
	if os.Geteuid() == 0 {
		u, err := user.Lookup("nobody")
		if err != nil {
			return account{}, fmt.Errorf("mail user: %w", err)
		}
		g, err := user.LookupGroupId(u.Gid)
		if err != nil {
			return account{}, fmt.Errorf("mail group: %w", err)
		}
		var uid, gid int
		fmt.Sscan(u.Uid, &uid)
		fmt.Sscan(u.Gid, &gid)
		return account{user: "nobody", group: g.Name, uid: uid, gid: gid}, nil
	}
	u, err := user.Current()
	if err != nil {
		return account{}, fmt.Errorf("current user: %w", err)
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		return account{}, fmt.Errorf("current group: %w", err)
	}
	return account{user: u.Username, group: g.Name,
		serviceUsers: fmt.Sprintf("default_internal_user = %[1]s\ndefault_login_user = %[1]s\n", u.Username)}, nil
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	_, port, err := net.SplitHostPort(l.Addr().String())
	return port, err
}

// configTemplate is the whole Dovecot configuration; DIR, PORT, MAILUSER,
// MAILGROUP and SERVICEUSERS are replaced.
const configTemplate = `# A private Dovecot for incidentd's integration tests.
base_dir = DIR/run
state_dir = DIR/state
log_path = DIR/dovecot.log
info_log_path = DIR/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_uid = MAILUSER
mail_gid = MAILGROUP
first_valid_uid = 1
first_valid_gid = 1
SERVICEUSERS
recipient_delimiter = +
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u DIR/users
}
userdb {
  driver = static
  args = uid=MAILUSER gid=MAILGROUP home=DIR/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = PORT
  }
  inet_listener imaps {
    port = 0
  }
}
# One failed login would otherwise delay every later one from 127.0.0.1.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
`
