package mailauth

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"
	"unicode"
)

// The values of a server's tls setting.
const (
	TLSImplicit = "implicit" // TLS from the first byte (ports 993, 465)
	TLSStartTLS = "starttls" // a plain greeting, then STARTTLS (ports 143, 587)
	TLSNone     = "none"     // no TLS at all
)

// quietGreeting is how long a server may stay silent before Dial checks
// whether it waits for a TLS handshake instead of greeting.
const quietGreeting = time.Second

// Dial connects to address for protocol, whose server speaks first
// (ProtocolIMAP, ProtocolSMTP; "" takes any). With mode TLSImplicit the
// connection is TLS from the first byte; otherwise it is plain, and the
// server's greeting is waiting to be read. A mode that does not fit the
// port fails within about a second, with a *MismatchError naming the mode
// that fits, instead of waiting for a greeting that never comes; a server
// that greets in another protocol fails with a *ProtocolError. timeout
// bounds the connection and the wait for the greeting. steps is told of
// the connection and the handshake.
func Dial(ctx context.Context, address, protocol, mode string, cfg *tls.Config, timeout time.Duration, steps Steps) (net.Conn, error) {
	conn, err := (&net.Dialer{Timeout: timeout}).DialContext(ctx, "tcp", address)
	if err != nil {
		return nil, steps.Done("TCP connection to "+address, fmt.Errorf("connect to %s: %w", address, err), "")
	}
	steps.Done("TCP connection to "+address, nil, "")
	if mode == TLSImplicit {
		rec := &recordingConn{Conn: conn}
		tc := tls.Client(rec, cfg)
		hctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if err := tc.HandshakeContext(hctx); err != nil {
			conn.Close()
			return nil, steps.Done("TLS handshake", implicitError(address, err, rec.first), "")
		}
		steps.Done("TLS handshake", nil, DescribeTLS(tc.ConnectionState()))
		return expect(tc, bufio.NewReader(tc), address, protocol, timeout, steps)
	}
	r := bufio.NewReader(conn)
	if err := awaitGreeting(ctx, conn, r, address, mode, cfg, timeout); err != nil {
		conn.Close()
		return nil, steps.Done("greeting", err, "")
	}
	return expect(conn, r, address, protocol, timeout, steps)
}

// The protocols Dial may expect.
const (
	ProtocolIMAP = "imap"
	ProtocolSMTP = "smtp"
)

// expect checks that the greeting waiting on r is protocol's, and returns
// the connection with the greeting still to read. A greeting it does not
// know is left to the protocol's client.
func expect(conn net.Conn, r *bufio.Reader, address, protocol string, timeout time.Duration, steps Steps) (net.Conn, error) {
	if protocol != "" {
		conn.SetReadDeadline(time.Now().Add(timeout))
		start, _ := r.Peek(4)
		conn.SetReadDeadline(time.Time{})
		if spoken := protocolOf(start); spoken != "" && spoken != protocol {
			greeting, _ := r.Peek(r.Buffered())
			line, _, _ := strings.Cut(string(greeting), "\n")
			conn.Close()
			return nil, steps.Done("greeting", &ProtocolError{Address: address, Want: protocol, Spoken: spoken, Greeting: printable(line)}, "")
		}
	}
	return &greetedConn{Conn: conn, r: r}, nil
}

// protocolOf is the protocol whose greeting starts with start, or "".
func protocolOf(start []byte) string {
	s := string(start)
	switch {
	case strings.HasPrefix(s, "* "):
		return ProtocolIMAP
	case strings.HasPrefix(s, "+OK"):
		return "pop3"
	case strings.HasPrefix(s, "SSH-"):
		return "ssh"
	case len(s) == 4 && strings.Trim(s[:3], "0123456789") == "" && (s[3] == ' ' || s[3] == '-'):
		return ProtocolSMTP // also FTP's: the greeting quoted tells them apart
	}
	return ""
}

// ProtocolError is a server that greets in another protocol than the one
// its address is configured for: an IMAP address that names the SMTP
// server, say.
type ProtocolError struct {
	Address      string
	Want, Spoken string // ProtocolIMAP, ProtocolSMTP, "pop3", "ssh"
	Greeting     string
}

// usualPorts are where the servers of a protocol usually listen.
var usualPorts = map[string]string{
	ProtocolIMAP: `port 993 (tls = "implicit") or 143 (tls = "starttls")`,
	ProtocolSMTP: `port 587 (tls = "starttls") or 465 (tls = "implicit")`,
}

func (e *ProtocolError) Error() string {
	want := strings.ToUpper(e.Want)
	return fmt.Sprintf("%s is no %s server: it greets as %s does (%q); [%s] address must name the %s server, usually %s",
		e.Address, want, strings.ToUpper(e.Spoken), e.Greeting, e.Want, want, usualPorts[e.Want])
}

// awaitGreeting waits until the server's first byte arrives. A server
// quiet for a second may be waiting for a TLS handshake: a second
// connection checks that, while the first keeps waiting.
func awaitGreeting(ctx context.Context, conn net.Conn, r *bufio.Reader, address, mode string, cfg *tls.Config, timeout time.Duration) error {
	stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Now()) })
	defer stop()
	start := time.Now()
	conn.SetReadDeadline(start.Add(min(quietGreeting, timeout)))
	_, err := r.Peek(1)
	if isTimeout(err) && ctx.Err() == nil && timeout > quietGreeting {
		if speaksTLS(ctx, address, cfg) {
			return &MismatchError{Address: address, Mode: mode, Fits: TLSImplicit}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		conn.SetReadDeadline(start.Add(timeout))
		_, err = r.Peek(1)
	}
	conn.SetReadDeadline(time.Time{})
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case isTimeout(err):
		return fmt.Errorf("%s sent no greeting within %v", address, timeout)
	}
	return fmt.Errorf("read the greeting of %s: %w", address, err)
}

// speaksTLS reports whether the server at address completes a TLS
// handshake (whatever its certificate).
func speaksTLS(ctx context.Context, address string, cfg *tls.Config) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	probe := &tls.Config{InsecureSkipVerify: true} // only asks whether TLS is spoken; nothing is sent
	if cfg != nil {
		probe.ServerName = cfg.ServerName
	}
	conn, err := (&tls.Dialer{Config: probe}).DialContext(ctx, "tcp", address)
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// implicitError explains a failed TLS handshake; a server that greeted in
// plain text (first: the first bytes it sent) gets a *MismatchError.
func implicitError(address string, err error, first []byte) error {
	var rec tls.RecordHeaderError
	if errors.As(err, &rec) {
		greeting, _, _ := strings.Cut(string(first), "\n")
		return &MismatchError{Address: address, Mode: TLSImplicit, Fits: TLSStartTLS, Greeting: printable(greeting)}
	}
	return HandshakeError(address, err)
}

// HandshakeError wraps the failure of a TLS handshake with address. A
// refusal by either side (a certificate, an alert) comes with advice: it
// fails the same way until the server or the configuration changes. A
// connection lost during the handshake is only the network.
func HandshakeError(address string, err error) error {
	err = fmt.Errorf("TLS with %s: %w", address, err)
	hint := tlsHint(err)
	var alert tls.AlertError
	var netErr net.Error
	switch {
	case hint != "":
	case errors.As(err, &alert):
		hint = "the server refused the TLS handshake: check that the port and the tls setting fit, and tls_server_name if set"
	case errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.As(err, &netErr):
		return err
	default:
		hint = "check that the port and the tls setting fit, and tls_ca_file and tls_server_name if set"
	}
	return &HintError{Err: err, Hint: hint}
}

// MismatchError is a tls setting that does not fit the server's port.
type MismatchError struct {
	Address  string
	Mode     string // the configured value
	Fits     string // the value that fits
	Greeting string // what the server said, when it greeted in plain text
}

func (e *MismatchError) Error() string {
	if e.Fits == TLSImplicit {
		return fmt.Sprintf("%s sends no greeting but answers a TLS handshake: it expects TLS from the first byte, "+
			"so tls = %q does not fit; set tls = %q", e.Address, e.Mode, TLSImplicit)
	}
	return fmt.Sprintf("%s greets in plain text (%q) instead of starting TLS, so tls = %q does not fit; "+
		"set tls = %q (or %q, on loopback only)", e.Address, e.Greeting, e.Mode, TLSStartTLS, TLSNone)
}

// HintError is an error with advice for the person who configures the
// connection.
type HintError struct {
	Err  error
	Hint string
}

func (e *HintError) Error() string { return e.Err.Error() + " (" + e.Hint + ")" }
func (e *HintError) Unwrap() error { return e.Err }

// Hint is the advice an error carries, or "".
func Hint(err error) string {
	var h *HintError
	if errors.As(err, &h) {
		return h.Hint
	}
	var a *AuthError
	if errors.As(err, &a) {
		return a.Hint
	}
	return ""
}

// greetedConn reads first what was read while waiting for the greeting.
type greetedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *greetedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// recordingConn keeps the first bytes read, to quote a server that
// answered a TLS handshake in plain text.
type recordingConn struct {
	net.Conn
	first []byte
}

func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if room := 200 - len(c.first); room > 0 {
		c.first = append(c.first, p[:min(n, room)]...)
	}
	return n, err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// printable keeps the start of what a server said, without control bytes.
func printable(s string) string {
	s = strings.TrimSpace(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, s)
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}
