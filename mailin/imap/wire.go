package imap

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"incidentd/mailauth"
)

// saslFix is the connection go-imap writes to. go-imap (v2 beta.8) sends
// an empty SASL response as "=", which only an initial response may be
// (RFC 4959); servers answer BAD. That breaks SCRAM's last step and the
// answer to an OAuth2 error challenge. A write that is exactly that
// response becomes the empty line it should be: go-imap flushes it alone,
// and no other command incidentd sends is a lone "=".
type saslFix struct{ net.Conn }

func (c saslFix) Write(p []byte) (int, error) {
	if string(p) == "=\r\n" {
		if _, err := c.Conn.Write([]byte("\r\n")); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// startTLS reads the greeting on conn, asks for STARTTLS and makes the
// TLS handshake, and returns the connection as go-imap expects one: with
// a greeting to read. (go-imap's own STARTTLS puts TLS under its writer,
// where saslFix cannot reach.) The greeting's capabilities are dropped:
// they are stale once TLS starts (RFC 9051 6.2.1).
func startTLS(ctx context.Context, conn net.Conn, address string, cfg *tls.Config, steps mailauth.Steps) (net.Conn, error) {
	conn.SetDeadline(time.Now().Add(cmdTimeout))
	r := bufio.NewReader(conn)
	greeting, err := r.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("greeting from %s: %w", address, err)
	}
	if !strings.HasPrefix(greeting, "* OK") {
		return nil, fmt.Errorf("greeting from %s: %q", address, strings.TrimSpace(greeting))
	}
	if _, err := io.WriteString(conn, "T1 STARTTLS\r\n"); err != nil {
		return nil, fmt.Errorf("STARTTLS: %w", err)
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("STARTTLS: %w", err)
		}
		if !strings.HasPrefix(line, "T1 ") {
			continue
		}
		if !strings.HasPrefix(line, "T1 OK") {
			return nil, steps.Done("STARTTLS", &mailauth.HintError{
				Err:  fmt.Errorf("%s refused STARTTLS: %s", address, strings.TrimSpace(line)),
				Hint: `set tls = "implicit" if the port expects TLS from the first byte (usually 993), or tls = "none" for a server on this machine`,
			}, "")
		}
		break
	}
	// Anything sent before the handshake would be taken as sent over
	// TLS: an injection (CVE-2011-0411 and kin).
	if r.Buffered() > 0 {
		return nil, fmt.Errorf("STARTTLS with %s: the server sent data before the TLS handshake", address)
	}
	conn.SetDeadline(time.Time{})
	tc := tls.Client(conn, cfg)
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, steps.Done("STARTTLS", mailauth.HandshakeError(address, err), "")
	}
	steps.Done("STARTTLS", nil, mailauth.DescribeTLS(tc.ConnectionState()))
	return &replayConn{Conn: tc, r: io.MultiReader(strings.NewReader("* OK TLS started\r\n"), tc)}, nil
}

// replayConn reads r, then the connection.
type replayConn struct {
	net.Conn
	r io.Reader
}

func (c *replayConn) Read(p []byte) (int, error) { return c.r.Read(p) }
