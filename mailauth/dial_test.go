package mailauth

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"incidentd/mailservers/privateca"
)

// testCA makes a private CA and returns its certificate's PEM file with
// a server configuration whose certificate it signed, for names.
func testCA(t *testing.T, names ...string) (caFile string, server *tls.Config) {
	t.Helper()
	ca, server := privateca.Test(t, names...)
	return ca.File, server
}

// serve accepts connections on loopback: with cfg, TLS from the first
// byte, answering greeting once the handshake is done; without, greeting
// at once in plain text.
func serve(t *testing.T, cfg *tls.Config, greeting string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg != nil {
		l = tls.NewListener(l, cfg)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if tc, ok := c.(*tls.Conn); ok && tc.Handshake() != nil {
					return
				}
				c.Write([]byte(greeting))
				bufio.NewReader(c).ReadString('\n')
			}()
		}
	}()
	return l.Addr().String()
}

func TestDialDetectsTheWrongTLSMode(t *testing.T) {
	caFile, serverTLS := testCA(t, "localhost")
	implicit := serve(t, serverTLS, "* OK ready\r\n")
	plain := serve(t, nil, "220 mail.example.com ESMTP\r\n")
	cfg, err := TLSOptions{CAFile: caFile, ServerName: "localhost"}.Config(implicit)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	for _, mode := range []string{TLSStartTLS, TLSNone} {
		_, err := Dial(ctx, implicit, "", mode, cfg, 20*time.Second, nil)
		var m *MismatchError
		if !errors.As(err, &m) || m.Fits != TLSImplicit || !strings.Contains(err.Error(), `set tls = "implicit"`) {
			t.Errorf("tls = %q against an implicit-TLS port: %v, want advice to set implicit", mode, err)
		}
	}
	_, err = Dial(ctx, plain, "", TLSImplicit, cfg, 20*time.Second, nil)
	var m *MismatchError
	if !errors.As(err, &m) || m.Fits != TLSStartTLS || !strings.Contains(m.Greeting, "220 mail.example.com") {
		t.Errorf("tls = implicit against a plain port: %v, want advice to set starttls quoting the greeting", err)
	}

	conn, err := Dial(ctx, implicit, "", TLSImplicit, cfg, 20*time.Second, nil)
	if err != nil {
		t.Fatalf("implicit TLS with the private CA: %v", err)
	}
	line, _ := bufio.NewReader(conn).ReadString('\n')
	conn.Close()
	if line != "* OK ready\r\n" {
		t.Errorf("greeting over TLS %q", line)
	}
	conn, err = Dial(ctx, plain, "", TLSNone, nil, 20*time.Second, nil)
	if err != nil {
		t.Fatalf("plain: %v", err)
	}
	line, _ = bufio.NewReader(conn).ReadString('\n')
	conn.Close()
	if line != "220 mail.example.com ESMTP\r\n" {
		t.Errorf("greeting read after the wait for it: %q", line)
	}
}

func TestCertificateAdvice(t *testing.T) {
	caFile, serverTLS := testCA(t, "mail.example.test")
	addr := serve(t, serverTLS, "* OK\r\n")
	for _, tc := range []struct {
		name string
		opts TLSOptions
		want string // in the hint; "" when the handshake works
	}{
		{"system roots only", TLSOptions{ServerName: "mail.example.test"}, "set tls_ca_file"},
		{"address names another host", TLSOptions{CAFile: caFile}, `set tls_server_name = "mail.example.test"`},
		{"private CA and the right name", TLSOptions{CAFile: caFile, ServerName: "mail.example.test"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := tc.opts.Config(addr)
			if err != nil {
				t.Fatal(err)
			}
			conn, err := Dial(context.Background(), addr, "", TLSImplicit, cfg, 10*time.Second, nil)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				conn.Close()
				return
			}
			if err == nil || !strings.Contains(Hint(err), tc.want) || !Lasting(err) {
				t.Errorf("got %v (hint %q), want a lasting error advising %q", err, Hint(err), tc.want)
			}
		})
	}
}

func TestCertPoolRefusesWhatIsNotACertificate(t *testing.T) {
	caFile, _ := testCA(t, "x")
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ca, _ := os.ReadFile(caFile)
	for _, tc := range []struct{ file, want string }{
		{write("der.crt", "\x30\x82\x01\x0a"), "holds no PEM certificate"},
		{write("key.pem", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"), `is a "PRIVATE KEY", not a CERTIFICATE`},
		{write("tail.pem", string(ca)+"garbage\n"), "not PEM"},
		{filepath.Join(dir, "missing.pem"), "no such file"},
	} {
		if _, err := CertPool(tc.file); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", filepath.Base(tc.file), err, tc.want)
		}
	}
	if _, err := CertPool(write("bundle.pem", string(ca)+string(ca))); err != nil {
		t.Errorf("a bundle of two certificates: %v", err)
	}
}

// TestDialDetectsTheWrongProtocol: an address that names the other mail
// server, in plain text or over TLS, fails at its greeting, saying what
// the server is and where the wanted one usually listens; the right
// server's greeting is left to read.
func TestDialDetectsTheWrongProtocol(t *testing.T) {
	caFile, serverTLS := testCA(t, "localhost")
	imapTLS := serve(t, serverTLS, "* OK [CAPABILITY IMAP4rev1] ready\r\n")
	smtpPlain := serve(t, nil, "220 mail.example.com ESMTP\r\n")
	cfg, err := TLSOptions{CAFile: caFile, ServerName: "localhost"}.Config(imapTLS)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		addr, protocol, mode string
		cfg                  *tls.Config
		spoken, ports        string
	}{
		{smtpPlain, ProtocolIMAP, TLSNone, nil, "SMTP", "993"},
		{imapTLS, ProtocolSMTP, TLSImplicit, cfg, "IMAP", "587"},
	} {
		_, err := Dial(ctx, c.addr, c.protocol, c.mode, c.cfg, 20*time.Second, nil)
		var p *ProtocolError
		if !errors.As(err, &p) || !strings.Contains(err.Error(), "greets as "+c.spoken) || !strings.Contains(err.Error(), c.ports) {
			t.Errorf("%s address to a %s server: %v, want a ProtocolError naming %s and port %s", c.protocol, c.spoken, err, c.spoken, c.ports)
		}
	}
	for _, c := range []struct {
		addr, protocol, mode string
		cfg                  *tls.Config
		greeting             string
	}{
		{smtpPlain, ProtocolSMTP, TLSNone, nil, "220 mail.example.com ESMTP\r\n"},
		{imapTLS, ProtocolIMAP, TLSImplicit, cfg, "* OK [CAPABILITY IMAP4rev1] ready\r\n"},
	} {
		conn, err := Dial(ctx, c.addr, c.protocol, c.mode, c.cfg, 20*time.Second, nil)
		if err != nil {
			t.Fatalf("%s to its own server: %v", c.protocol, err)
		}
		line, _ := bufio.NewReader(conn).ReadString('\n')
		conn.Close()
		if line != c.greeting {
			t.Errorf("%s: greeting read %q, want %q", c.protocol, line, c.greeting)
		}
	}
}
