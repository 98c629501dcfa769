// Package dovecot owns the private mail servers of the integration
// tests, each with a throwaway configuration, users and mail under one
// temporary directory, listeners on free loopback ports, and its stop when
// the test ends:
//
//   - a Dovecot IMAP server (Start, StartWith), optionally with STARTTLS
//     and implicit TLS, OAuth2 tokens checked by an introspection endpoint,
//     more SASL mechanisms, and the sockets Postfix needs;
//   - a Postfix that takes authenticated mail on three listeners (no TLS,
//     STARTTLS, implicit TLS) and delivers it into Dovecot's mailboxes by
//     LMTP (StartPostfix);
//   - the private CA that signs both servers' certificate (Server.CAFile);
//   - the delivery of what an smtpsink takes into Dovecot's mailboxes
//     (Server.Deliver).
//
// Tests skip when a server program is missing, unless the environment
// variable INCIDENTD_REQUIRE_DOVECOT is set: then they fail, so that CI
// cannot pass without having run them. `make test-integration` installs
// the Debian packages (dovecot-imapd, dovecot-lmtpd, postfix) when one is
// missing.
package dovecot

import (
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"sync"
	"testing"
)

// RequireEnv names the environment variable that turns a missing mail
// server from a skip into a failure.
const RequireEnv = "INCIDENTD_REQUIRE_DOVECOT"

// packages are the Debian packages of the servers' programs.
const packages = "dovecot-imapd dovecot-lmtpd postfix"

// Options are what a Dovecot offers beyond IMAP without TLS and the
// mechanisms PLAIN and LOGIN; the zero value is what Start runs.
type Options struct {
	// TLS offers STARTTLS on Addr and implicit TLS on TLSAddr, with a
	// certificate signed by a private CA (CAFile). PLAIN still works
	// without TLS.
	TLS bool
	// OAuth2IntrospectionURL, when set, offers XOAUTH2 and OAUTHBEARER:
	// Dovecot POSTs each token to this URL (RFC 7662) and logs in as the
	// "email" of an "active" answer. The host must be an IP address:
	// a name needs Dovecot's DNS helper.
	OAuth2IntrospectionURL string
	// Mechanisms are more SASL mechanisms that check the users'
	// passwords, such as "cram-md5" and "scram-sha-256".
	Mechanisms []string
	// Postfix adds what StartPostfix needs: an auth socket for SMTP AUTH
	// and LMTP delivery (Debian package dovecot-lmtpd).
	Postfix bool
}

// Server is a running private Dovecot.
type Server struct {
	Addr    string // 127.0.0.1:port of the IMAP listener: plaintext, with STARTTLS under Options.TLS
	TLSAddr string // 127.0.0.1:port of the implicit-TLS IMAP listener under Options.TLS
	// CAFile is the PEM certificate of the CA that signed the
	// certificate of Dovecot and Postfix (under Options.TLS or
	// Options.Postfix).
	CAFile string
	Dir    string // everything of the server: configuration, logs, mail

	t         testing.TB
	opts      Options
	dovecot   string // path of the binary
	conf      string
	certs     *certificates
	mu        sync.Mutex
	passwords map[string]string
	proc      *daemon
}

// ProcessGroup is the process group of every process of the server.
func (s *Server) ProcessGroup() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc.group()
}

// Start starts a Dovecot with the given users (address → password) and
// stops it when the test ends. It skips the test (or fails it, when
// RequireEnv is set) if Dovecot is not installed.
func Start(t testing.TB, users map[string]string) *Server {
	t.Helper()
	return StartWith(t, users, Options{})
}

// StartWith is Start with options.
func StartWith(t testing.TB, users map[string]string, opts Options) *Server {
	t.Helper()
	bin := program(t, "Dovecot", "dovecot", "/usr/sbin/dovecot", "/usr/local/sbin/dovecot")
	if opts.Postfix {
		program(t, "Dovecot's LMTP server", "/usr/lib/dovecot/lmtp", "/usr/libexec/dovecot/lmtp", "/usr/local/libexec/dovecot/lmtp")
	}
	dir, err := os.MkdirTemp("", "incidentd-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Dir: dir, t: t, opts: opts, dovecot: bin, conf: filepath.Join(dir, "dovecot.conf"), passwords: map[string]string{}}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			s.dumpLog()
		}
		os.RemoveAll(dir)
	})
	if err := s.configure(users); err != nil {
		t.Fatalf("configure dovecot: %v", err)
	}
	s.Start()
	return s
}

// configure writes the configuration, the certificates, the users and the
// mail directory.
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
	if s.opts.TLS || s.opts.Postfix {
		if s.certs, err = newCertificates(filepath.Join(s.Dir, "tls")); err != nil {
			return err
		}
		s.CAFile = s.certs.ca.File
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	s.Addr = net.JoinHostPort("127.0.0.1", port)
	tlsPort := ""
	if s.opts.TLS {
		if tlsPort, err = freePort(); err != nil {
			return err
		}
		s.TLSAddr = net.JoinHostPort("127.0.0.1", tlsPort)
	}
	if err := s.writeDovecotConfig(acct, port, tlsPort); err != nil {
		return err
	}
	for addr, pw := range users {
		if err := s.AddUser(addr, pw); err != nil {
			return err
		}
	}
	return nil
}

// TLSConfig is a client configuration that trusts the private CA only
// (nil when there is none); it matches the addresses 127.0.0.1, localhost
// and TLSName.
func (s *Server) TLSConfig() *tls.Config {
	if s.certs == nil {
		return nil
	}
	return s.certs.ca.ClientConfig()
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
	if s.proc != nil {
		return
	}
	// A pid file left by a killed server stops a new one from starting.
	os.Remove(filepath.Join(s.Dir, "run", "master.pid"))
	proc, err := startDaemon("dovecot", filepath.Join(s.Dir, "dovecot.out"), true, s.dovecot, "-F", "-c", s.conf)
	if err != nil {
		s.t.Fatal(err)
	}
	s.proc = proc
	addrs := []string{s.Addr}
	if s.TLSAddr != "" {
		addrs = append(addrs, s.TLSAddr)
	}
	if err := proc.waitListening(addrs...); err != nil {
		s.dumpLog()
		s.t.Fatalf("start dovecot: %v", err)
	}
}

// Stop stops the server, dropping every connection; Start starts it again
// on the same addresses with the same mail.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return
	}
	s.proc.stop()
	s.proc = nil
}

func (s *Server) dumpLog() {
	dumpFiles(s.t, filepath.Join(s.Dir, "dovecot.out"), filepath.Join(s.Dir, "dovecot.log"))
}

// account is who owns the mail and runs Dovecot's unprivileged processes.
type account struct {
	user, group string
	uid, gid    int
	// serviceUser, when set, runs Dovecot's own processes.
	serviceUser string
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
	return account{user: u.Username, group: g.Name, serviceUser: u.Username}, nil
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
