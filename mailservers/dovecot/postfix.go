package dovecot

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/template"
	"time"
)

// Postfix is a running private Postfix in front of a Dovecot: SMTP AUTH is
// checked by Dovecot's auth service (with the mechanisms Dovecot offers),
// and mail for the domains of Dovecot's users goes into their mailboxes by
// LMTP. Every listener refuses mail from a client that has not
// authenticated, whatever the recipient.
type Postfix struct {
	PlainAddr      string // no TLS at all; AUTH offered in the clear
	SubmissionAddr string // STARTTLS required, AUTH offered only after it (as on port 587)
	SMTPSAddr      string // implicit TLS (as on port 465)
	Dir            string // everything of the server: configuration, queue, log

	t    testing.TB
	proc *daemon
}

// StartPostfix starts a Postfix for the users d has now (users added later
// are unknown to it) and stops it when the test ends. d must have been
// started with Options.Postfix. Postfix runs as root only: as another
// user, or when Postfix is not installed, the test is skipped (failed
// when RequireEnv is set).
func StartPostfix(t testing.TB, d *Server) *Postfix {
	t.Helper()
	if !d.opts.Postfix {
		t.Fatal("StartPostfix needs a Dovecot started with Options.Postfix")
	}
	bin := program(t, "Postfix", "postfix", "/usr/sbin/postfix")
	if os.Geteuid() != 0 {
		unavailable(t, "Postfix runs as root only")
	}
	dir, err := os.MkdirTemp("", "incidentd-postfix-")
	if err != nil {
		t.Fatal(err)
	}
	p := &Postfix{Dir: dir, t: t}
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			p.dumpLog()
		}
		os.RemoveAll(dir)
	})
	master, err := p.configure(bin, d)
	if err != nil {
		p.dumpLog()
		t.Fatalf("configure postfix: %v", err)
	}
	// The master straight from the test rather than `postfix start`, which
	// would detach it: like `postfix start-fg`, after the same check.
	p.proc, err = startDaemon("postfix", filepath.Join(dir, "postfix.out"), false,
		master, "-c", filepath.Join(dir, "conf"), "-s")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.proc.waitListening(p.PlainAddr, p.SubmissionAddr, p.SMTPSAddr); err != nil {
		p.dumpLog()
		t.Fatalf("start postfix: %v", err)
	}
	return p
}

// configure writes the configuration, lets `postfix check` make the queue
// and data directories, and returns the path of the master program.
func (p *Postfix) configure(bin string, d *Server) (string, error) {
	// Postfix's processes run as its own user and must reach the queue.
	if err := os.Chmod(p.Dir, 0o755); err != nil {
		return "", err
	}
	conf := filepath.Join(p.Dir, "conf")
	// `postfix check` makes the subdirectories, not the queue itself.
	for _, sub := range []string{conf, filepath.Join(p.Dir, "queue")} {
		if err := os.Mkdir(sub, 0o755); err != nil {
			return "", err
		}
	}
	var ports [3]string
	for i := range ports {
		port, err := freePort()
		if err != nil {
			return "", err
		}
		ports[i] = port
	}
	p.PlainAddr = net.JoinHostPort("127.0.0.1", ports[0])
	p.SubmissionAddr = net.JoinHostPort("127.0.0.1", ports[1])
	p.SMTPSAddr = net.JoinHostPort("127.0.0.1", ports[2])

	d.mu.Lock()
	var mailboxes, domains []string
	for addr := range d.passwords {
		mailboxes = append(mailboxes, addr+" OK\n")
		if _, domain, ok := strings.Cut(addr, "@"); ok && !slices.Contains(domains, domain) {
			domains = append(domains, domain)
		}
	}
	d.mu.Unlock()
	if len(domains) == 0 {
		return "", fmt.Errorf("dovecot has no users to deliver to")
	}
	slices.Sort(domains)
	c := postfixConfig{
		Dir: p.Dir, Ports: ports,
		Domains:  strings.Join(domains, ", "),
		LMTP:     filepath.Join(d.Dir, "lmtp"),
		Auth:     filepath.Join(d.Dir, "auth-postfix"),
		CertFile: d.certs.certFile, KeyFile: d.certs.keyFile,
	}
	files := map[string]string{"mailboxes": strings.Join(mailboxes, "")}
	for _, tmpl := range []*template.Template{mainCF, masterCF} {
		var b strings.Builder
		if err := tmpl.Execute(&b, c); err != nil {
			return "", fmt.Errorf("postfix %s: %w", tmpl.Name(), err)
		}
		files[tmpl.Name()] = b.String()
	}
	// Postfix waits until a configuration file is a moment old before it
	// reads it (it might be half written): back-date them.
	past := time.Now().Add(-10 * time.Second)
	for name, content := range files {
		path := filepath.Join(conf, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return "", fmt.Errorf("write %s: %w", path, err)
		}
		if err := os.Chtimes(path, past, past); err != nil {
			return "", err
		}
	}
	if out, err := exec.Command(bin, "-c", conf, "check").CombinedOutput(); err != nil {
		return "", fmt.Errorf("postfix check: %w: %s", err, out)
	}
	out, err := exec.Command(filepath.Join(filepath.Dir(bin), "postconf"), "-c", conf, "-h", "daemon_directory").Output()
	if err != nil {
		return "", fmt.Errorf("postconf daemon_directory: %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "master"), nil
}

// Stop stops every process of the server.
func (p *Postfix) Stop() {
	if p.proc != nil {
		p.proc.stop()
		p.proc = nil
	}
}

func (p *Postfix) dumpLog() {
	dumpFiles(p.t, filepath.Join(p.Dir, "postfix.out"), filepath.Join(p.Dir, "maillog"))
}

// postfixConfig is what main.cf and master.cf are filled with.
type postfixConfig struct {
	Dir               string
	Ports             [3]string // plain, submission, smtps
	Domains           string
	LMTP, Auth        string // Dovecot's sockets
	CertFile, KeyFile string
}

var mainCF = template.Must(template.New("main.cf").Parse(`# A private Postfix for incidentd's integration tests.
compatibility_level = 3.6
queue_directory = {{.Dir}}/queue
data_directory = {{.Dir}}/data
# There is no syslog: postlogd writes the log.
maillog_file = {{.Dir}}/maillog
maillog_file_prefixes = {{.Dir}}
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mail.incidentd.test
biff = no
# Nothing is delivered on this machine: every mailbox is Dovecot's.
mydestination =
alias_maps =
alias_database =
virtual_mailbox_domains = {{.Domains}}
virtual_mailbox_maps = texthash:{{.Dir}}/conf/mailboxes
virtual_transport = lmtp:unix:{{.LMTP}}
recipient_delimiter = +
# A delivery deferred while a test restarts Dovecot is retried within
# seconds, not minutes.
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s

smtpd_sasl_type = dovecot
smtpd_sasl_path = {{.Auth}}
smtpd_sasl_auth_enable = yes
smtpd_tls_auth_only = yes
smtpd_tls_cert_file = {{.CertFile}}
smtpd_tls_key_file = {{.KeyFile}}
# Every listener is for clients that log in, as port 587 is: mail from
# anyone else is refused, even for the local domains.
smtpd_client_restrictions = permit_sasl_authenticated, reject
smtpd_relay_restrictions = permit_sasl_authenticated, reject
# The tests' clients have no name to look up, and refusals must not slow
# the tests down.
smtpd_peername_lookup = no
smtpd_error_sleep_time = 0s
`))

// masterCF has the services of a Postfix that receives and delivers by
// LMTP, none in a chroot (it would lack Dovecot's sockets).
var masterCF = template.Must(template.New("master.cf").Parse(`# service type private unpriv chroot wakeup maxproc command
127.0.0.1:{{index .Ports 0}} inet n - n - - smtpd
  -o syslog_name=postfix/plain
  -o smtpd_tls_security_level=none
  -o smtpd_tls_auth_only=no
127.0.0.1:{{index .Ports 1}} inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
127.0.0.1:{{index .Ports 2}} inet n - n - - smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_security_level=encrypt
postlog   unix-dgram n - n - 1 postlogd
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
tlsmgr    unix - - n 1000? 1 tlsmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
lmtp      unix - - n - - lmtp
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
`))
