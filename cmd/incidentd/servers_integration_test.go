//go:build integration

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"incidentd/mailauth/oauthtest"
	"incidentd/mailservers/dovecot"
)

// newServersRig starts a Dovecot with TLS (a private CA) and a Postfix
// that takes SMTP AUTH through Dovecot and delivers into its mailboxes, as
// an organization runs them: the daemon's notifications reach the real
// mailboxes of their recipients.
func newServersRig(t *testing.T, o dovecot.Options) *rig {
	t.Helper()
	o.TLS, o.Postfix = true, true
	r := setUp(t, dovecot.StartWith(t, rigUsers(), o))
	r.postfix = dovecot.StartPostfix(t, r.imap)
	return r
}

// withPostfix is the base configuration sending through Postfix's address
// with tls mode, logged in as the incidents account by password.
func (r *rig) withPostfix(address, tls string) Config {
	cfg := r.baseConfig()
	cfg.SMTP = SMTPConfig{Address: address, TLS: tls, Username: rigAddr("incidents"),
		From: "Incidents <" + rigAddr("incidents") + ">", Secret: Secret{PasswordFile: r.secret("smtp-password", rigPassword)}}
	return cfg
}

// report appends a report from carol with subject to the incidents
// INBOX and waits until its acknowledgement is in carol's INBOX, delivered
// by Postfix.
func (r *rig) reportAndAwaitAck(subject string) {
	r.t.Helper()
	raw := fmt.Appendf(nil, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%d@example.com>\r\n"+
		"Date: Mon, 02 Mar 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSistema: Nóminas\r\n\r\nIt fails.\r\n",
		rigAddr("carol"), rigAddr("incidents"), subject, time.Now().UnixNano())
	if err := r.imap.Append(rigAddr("incidents"), "INBOX", raw); err != nil {
		r.t.Fatal(err)
	}
	_, err := r.imap.Await(rigAddr("carol"), "INBOX", 60*time.Second, func(mails [][]byte) bool {
		for _, m := range mails {
			if bytes.Contains(m, []byte(subject)) && bytes.Contains(m, []byte("[INC-")) {
				return true
			}
		}
		return false
	})
	if err != nil {
		r.t.Fatalf("the acknowledgement of %q: %v", subject, err)
	}
}

// TestRealServers: through each of Postfix's three ports (AUTH without
// TLS on loopback, STARTTLS on submission with a private CA, implicit
// TLS), and Dovecot's three ways in, a report's acknowledgement reaches
// the reporter's real mailbox; check-config -connect says so first, and
// names the mechanisms it chose.
func TestRealServers(t *testing.T) {
	r := newServersRig(t, dovecot.Options{Mechanisms: []string{"cram-md5", "scram-sha-256"}})
	for _, tc := range []struct {
		name      string
		imap      func(*IMAPConfig)
		smtpAddr  string
		smtpTLS   string
		smtpAuth  string
		wantSteps []string
	}{
		{"AUTH without TLS on loopback", func(c *IMAPConfig) {}, r.postfix.PlainAddr, "none", "",
			[]string{"offered PLAIN LOGIN CRAM-MD5 SCRAM-SHA-256; SCRAM-SHA-256 chosen", "login as incidents@example.com (SCRAM-SHA-256)"}},
		{"STARTTLS with a private CA", func(c *IMAPConfig) {
			c.TLS, c.Auth, c.TLSCAFile = "starttls", "cram-md5", r.imap.CAFile
		}, r.postfix.SubmissionAddr, "starttls", "plain",
			[]string{"STARTTLS: TLS 1.3, certificate for", "login as incidents@example.com (CRAM-MD5)", "login as incidents@example.com (PLAIN)"}},
		{"implicit TLS", func(c *IMAPConfig) {
			c.Address, c.TLS, c.Auth, c.TLSCAFile, c.TLSServerName = r.imap.TLSAddr, "implicit", "login", r.imap.CAFile, dovecot.TLSName
		}, r.postfix.SMTPSAddr, "implicit", "login",
			[]string{"TLS handshake: TLS 1.3", "login as incidents@example.com (LOGIN)", "RSET: nothing was sent"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r.t = t
			cfg := r.withPostfix(tc.smtpAddr, tc.smtpTLS)
			cfg.SMTP.Auth = tc.smtpAuth
			if tc.smtpTLS != "none" {
				cfg.SMTP.TLSCAFile = r.imap.CAFile
			}
			tc.imap(&cfg.IMAP)
			r.write(cfg)
			out, code := r.cli("check-config", "-connect")
			if code != 0 || !strings.Contains(out, "both servers work") {
				t.Fatalf("check-config -connect: exit %d\n%s", code, out)
			}
			for _, want := range tc.wantSteps {
				if !strings.Contains(out, want) {
					t.Errorf("check-config -connect does not say %q:\n%s", want, out)
				}
			}
			p := r.start()
			r.reportAndAwaitAck("Report through " + tc.name)
			p.stop(t, 15*time.Second)
			if log := r.daemonLog(); strings.Contains(log, "level=ERROR") {
				t.Errorf("the daemon logged errors:\n%s", log)
			}
		})
	}
}

// TestCheckConnectFailures: check-config -connect names the step that
// fails, in the server's words, with advice, and exits non-zero.
func TestCheckConnectFailures(t *testing.T) {
	r := newServersRig(t, dovecot.Options{})
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want []string
	}{
		{"wrong password", func(c *Config) {
			c.IMAP.PasswordFile = r.secret("wrong", "not-the-password")
		}, []string{"FAIL  login as incidents@example.com (PLAIN): authentication failed", "AUTHENTICATIONFAILED", "hint: the server refused the user name"}},
		{"certificate of an unknown CA", func(c *Config) {
			c.IMAP.Address, c.IMAP.TLS = r.imap.TLSAddr, "implicit"
		}, []string{"FAIL  TLS handshake", "hint: the server's certificate is signed by an authority this machine does not trust: set tls_ca_file"}},
		{"a mechanism the server lacks", func(c *Config) {
			c.SMTP.Auth = "cram-md5"
		}, []string{"FAIL  authentication mechanisms", `auth = "cram-md5", but the server does not offer CRAM-MD5; it offers PLAIN LOGIN`}},
		{"STARTTLS against an implicit-TLS port", func(c *Config) {
			c.IMAP.Address, c.IMAP.TLS = r.imap.TLSAddr, "starttls"
		}, []string{"answers a TLS handshake", `set tls = "implicit"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r.t = t
			cfg := r.withPostfix(r.postfix.SubmissionAddr, "starttls")
			cfg.SMTP.TLSCAFile = r.imap.CAFile
			tc.edit(&cfg)
			r.write(cfg)
			out, code := r.cli("check-config", "-connect")
			if code == 0 {
				t.Errorf("exit 0, want a failure:\n%s", out)
			}
			for _, want := range tc.want {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "not-the-password") {
				t.Errorf("the password is in the output:\n%s", out)
			}
		})
	}
}

// newOAuthRig is a servers rig whose Dovecot (and through it Postfix)
// checks access tokens with the test authorization server, and a
// configuration that logs in to IMAP with XOAUTH2 over implicit TLS and
// to SMTP with OAUTHBEARER over STARTTLS, the client secret in a file.
func newOAuthRig(t *testing.T, lifetime time.Duration, secret string) (*rig, *oauthtest.Server, Config) {
	t.Helper()
	auth := oauthtest.Start(t, oauthtest.Options{ClientSecret: "client-s3cret", User: rigAddr("incidents"), AccessTokenLifetime: lifetime})
	r := newServersRig(t, dovecot.Options{OAuth2IntrospectionURL: auth.IntrospectionURL})
	cfg := r.withPostfix(r.postfix.SubmissionAddr, "starttls")
	cfg.IMAP.Address, cfg.IMAP.TLS, cfg.IMAP.Auth, cfg.IMAP.TLSCAFile = r.imap.TLSAddr, "implicit", "xoauth2", r.imap.CAFile
	cfg.IMAP.PasswordFile = ""
	cfg.SMTP.Auth, cfg.SMTP.TLSCAFile, cfg.SMTP.PasswordFile = "oauthbearer", r.imap.CAFile, ""
	cfg.OAuth2 = OAuth2Config{Provider: "custom", TokenURL: auth.TokenURL, DeviceAuthURL: auth.DeviceAuthURL,
		ClientID: "incidentd-test", ClientSecretFile: r.secret("client-secret", secret), TokenFile: "oauth2-token.json"}
	return r, auth, cfg
}

// TestOAuth2AgainstRealServers: the first refresh token comes from
// `incidentd oauth login` (device flow); Dovecot verifies XOAUTH2 for IMAP
// and, through its auth socket, OAUTHBEARER for Postfix. The access token
// lives 3 s: it expires in the middle of the run, is refreshed, and
// nothing is lost.
func TestOAuth2AgainstRealServers(t *testing.T) {
	r, auth, cfg := newOAuthRig(t, 3*time.Second, "client-s3cret")
	r.write(cfg)
	login := exec.Command(binary, "oauth", "login", "-config", r.cfgPath)
	out, err := login.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Signed in as incidents@example.com") {
		t.Fatalf("oauth login: %v\n%s", err, out)
	}
	check, code := r.cli("check-config", "-connect")
	if code != 0 || !strings.Contains(check, "login as incidents@example.com (XOAUTH2)") ||
		!strings.Contains(check, "login as incidents@example.com (OAUTHBEARER)") {
		t.Fatalf("check-config -connect: exit %d\n%s", code, check)
	}
	p := r.start()
	r.reportAndAwaitAck("First report over OAuth2")
	refreshes := auth.Counts().Refreshes
	time.Sleep(4 * time.Second) // past the access token's life
	r.reportAndAwaitAck("Second report, after the token expired")
	if auth.Counts().Refreshes <= refreshes {
		t.Errorf("refreshes %d after the token expired, want more than %d", auth.Counts().Refreshes, refreshes)
	}
	eventually(t, 30*time.Second, "every notification sent", func() (bool, string) {
		out, err := r.outbox()
		return err == nil && len(out["sent"]) == 4, summary(out)
	})
	// Access tokens revoked before they expire, and Dovecot restarted so
	// that both logins must be made again: the servers refuse the token
	// the daemon holds (Dovecot's error challenge answered, the server's
	// NO), the daemon gets a new one and logs in with it, and no refusal
	// counts.
	for _, tok := range auth.Secrets() {
		if strings.HasPrefix(tok, "access-") {
			auth.Revoke(tok)
		}
	}
	r.imap.Stop()
	r.imap.Start()
	r.reportAndAwaitAck("Third report, after the tokens were revoked")
	p.stop(t, 15*time.Second)
	outbox, err := r.outbox()
	if err != nil {
		t.Fatal(err)
	}
	if len(outbox["pending"]) > 0 || len(outbox["failed"]) > 0 || len(outbox["sent"]) != 6 {
		t.Errorf("outbox %s, want the 6 notifications of 3 reports sent", summary(outbox))
	}
	log := r.daemonLog()
	if strings.Contains(log, "level=ERROR") {
		t.Errorf("the daemon logged errors:\n%s", log)
	}
	for _, s := range auth.Secrets() {
		if strings.Contains(log, s) || strings.Contains(check, s) || strings.Contains(string(out), s) {
			t.Errorf("a token or secret of the authorization server is in the output or the log")
		}
	}
}

// TestOAuth2WrongClientSecret: with a wrong client secret nothing can log
// in: the daemon says so clearly once, /healthz answers 503, the report
// waits in the inbox; with the secret fixed and the daemon restarted, it
// flows.
func TestOAuth2WrongClientSecret(t *testing.T) {
	r, auth, cfg := newOAuthRig(t, time.Hour, "wrong-secret")
	r.secret("oauth2-token.json", fmt.Sprintf(`{"refresh_token": %q}`, auth.RefreshToken()))
	cfg.HTTP.Listen = freeAddr(t)
	r.write(cfg)
	p := r.start()
	raw := reportMail("carol", 1)
	if err := r.imap.Append(rigAddr("incidents"), "INBOX", raw); err != nil {
		t.Fatal(err)
	}
	var health string
	eventually(t, 30*time.Second, "/healthz 503 naming the refusal", func() (bool, string) {
		code, body := get("http://" + cfg.HTTP.Listen + "/healthz")
		health = body
		return code == http.StatusServiceUnavailable && strings.Contains(body, "imap: ") && strings.Contains(body, "invalid_client"), body
	})
	time.Sleep(3 * time.Second) // a few more attempts
	if n := r.count("INBOX"); n != 1 {
		t.Errorf("INBOX holds %d mails, want the report kept", n)
	}
	log := r.daemonLog()
	errors := strings.Count(log, "level=ERROR")
	if errors < 1 || errors > 2 || !strings.Contains(log, "invalid_client") {
		t.Errorf("%d ERROR lines, want one per server at most, naming invalid_client:\n%s", errors, log)
	}
	if strings.Contains(log, "wrong-secret") || strings.Contains(health, "wrong-secret") {
		t.Errorf("the client secret is in the log or /healthz")
	}
	p.stop(t, 15*time.Second)

	r.secret("client-secret", "client-s3cret")
	p = r.start()
	r.await("carol", 1)
	eventually(t, 30*time.Second, "/healthz 200", func() (bool, string) {
		code, body := get("http://" + cfg.HTTP.Listen + "/healthz")
		return code == http.StatusOK, body
	})
	p.stop(t, 15*time.Second)
}

// freeAddr is a free loopback address for a listener.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// get fetches url: its status and body (0 and the error when it fails).
func get(url string) (int, string) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var pretty bytes.Buffer
	if json.Indent(&pretty, b, "", " ") == nil {
		b = pretty.Bytes()
	}
	return resp.StatusCode, string(b)
}
