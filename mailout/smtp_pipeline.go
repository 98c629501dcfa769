package mailout

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strings"

	"github.com/wneessen/go-mail/smtp"
)

// envelope is one mail to send: its recipient and its size bytes, with
// CRLF line ends.
type envelope struct {
	rcpt string
	data io.Reader
	size int64
}

// transmitChunked runs one SMTP transaction per mail in one round trip,
// for servers that offer CHUNKING (RFC 3030) and PIPELINING: for each
// mail MAIL, RCPT, "BDAT size LAST" and the mail itself, with RSET
// between two mails, go out together in writes as large as buf, and the
// replies are read after. A mail is sent as it is, with no dot to add or
// to end it. It returns each mail's outcome: nil when it was accepted, a
// *textproto.Error when a reply refused it (as with transmit), and any
// other error when the connection failed, for that mail and every later
// one.
func transmitChunked(conn *smtp.Client, buf *bufio.Writer, from string, mails []envelope) []error {
	errs := make([]error, len(mails))
	text := conn.Text
	buf.Reset(text.W)
	written := false
	for i, m := range mails {
		params, err := envelopeParams(conn, from, m.rcpt)
		if err != nil {
			errs[i] = err
			continue
		}
		if written {
			// Whatever a refusal left of the last transaction ends here.
			buf.WriteString("RSET\r\n")
		}
		written = true
		fmt.Fprintf(buf, "MAIL FROM:<%s>%s\r\nRCPT TO:<%s>\r\nBDAT %d LAST\r\n", from, params, m.rcpt, m.size)
		if n, err := io.Copy(buf, m.data); err != nil || n != m.size {
			return failFrom(errs, 0, fmt.Errorf("write message: %d of %d bytes: %w", n, m.size, err))
		}
	}
	if err := buf.Flush(); err != nil {
		return failFrom(errs, 0, fmt.Errorf("write message: %w", err))
	}
	if err := text.W.Flush(); err != nil {
		return failFrom(errs, 0, fmt.Errorf("write message: %w", err))
	}
	first := true
	for i, m := range mails {
		if errs[i] != nil {
			continue
		}
		if !first {
			if _, _, err := text.ReadResponse(250); err != nil {
				return failFrom(errs, i, fmt.Errorf("RSET: %w", brokenSession(err)))
			}
		}
		first = false
		refused, _ := readReplies(text, from, m.rcpt, "BDAT", 250)
		var reply *textproto.Error
		if refused != nil && !errors.As(refused, &reply) {
			return failFrom(errs, i, refused)
		}
		errs[i] = refused
	}
	return errs
}

// failFrom sets err as the outcome of the mails from i on that have none
// yet, and returns errs.
func failFrom(errs []error, i int, err error) []error {
	for j := i; j < len(errs); j++ {
		if errs[j] == nil {
			errs[j] = err
		}
	}
	return errs
}

// brokenSession makes a refused RSET an error of the connection, not a
// refusal of the mail that follows it.
func brokenSession(err error) error {
	var reply *textproto.Error
	if errors.As(err, &reply) {
		return fmt.Errorf("%d %s", reply.Code, reply.Msg)
	}
	return err
}

// envelopeParams are the MAIL parameters the server's extensions call
// for; an address holding a line break is refused before anything is sent.
func envelopeParams(conn *smtp.Client, from, rcpt string) (string, error) {
	if strings.ContainsAny(from+rcpt, "\r\n") {
		return "", &textproto.Error{Code: 501, Msg: "an address holds a line break"}
	}
	params := ""
	if ok, _ := conn.Extension("8BITMIME"); ok {
		params += " BODY=8BITMIME"
	}
	if ok, _ := conn.Extension("SMTPUTF8"); ok {
		params += " SMTPUTF8"
	}
	return params, nil
}

// readReplies reads the replies to a pipelined MAIL, RCPT and last
// command (DATA or BDAT), which code accepts. It returns the first
// refusal, if any, and whether the last command was accepted.
func readReplies(text *textproto.Conn, from, rcpt, last string, code int) (refused error, lastOK bool) {
	for _, step := range []struct {
		code int
		what string
	}{{250, "MAIL FROM:<" + from + ">"}, {25, "RCPT TO:<" + rcpt + ">"}, {code, last}} {
		_, _, err := text.ReadResponse(step.code)
		if err != nil && refused == nil {
			refused = fmt.Errorf("%s: %w", step.what, err)
		}
		lastOK = err == nil
	}
	return refused, lastOK
}

// transmitPipelined runs one SMTP transaction with PIPELINING (RFC 2920),
// for servers that offer it: MAIL, RCPT and DATA go out together and their
// replies are read after, so that a mail costs two round trips, not four.
// Replies that refuse the mail are *textproto.Error, as with transmit.
func transmitPipelined(conn *smtp.Client, from, rcpt string, data io.Reader) error {
	params, err := envelopeParams(conn, from, rcpt)
	if err != nil {
		return err
	}
	text := conn.Text
	fmt.Fprintf(text.W, "MAIL FROM:<%s>%s\r\nRCPT TO:<%s>\r\nDATA\r\n", from, params, rcpt)
	if err := text.W.Flush(); err != nil {
		return fmt.Errorf("MAIL FROM:<%s>: %w", from, err)
	}
	refused, dataOK := readReplies(text, from, rcpt, "DATA", 354)
	if !dataOK {
		return refused // no content phase to end
	}
	if refused != nil {
		// DATA was accepted all the same: end it with no content.
		data = strings.NewReader("")
	}
	dw := &dotWriter{w: text.W, bol: true}
	if _, err := io.Copy(dw, data); err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	if err := dw.Close(); err != nil {
		return fmt.Errorf("end of message: %w", err)
	}
	if _, _, err := text.ReadResponse(250); err != nil && refused == nil {
		refused = fmt.Errorf("end of message: %w", err)
	}
	return refused
}

// dotWriter writes the content of an SMTP DATA command: lines end in CRLF,
// a line starting with "." gets another one, and Close ends the content
// with a line holding a single ".". It does what textproto's DotWriter
// does, a line at a time instead of a byte at a time.
type dotWriter struct {
	w     *bufio.Writer
	bol   bool // at the start of a line
	cr    bool // the last byte written was '\r'
	begun bool // something was written
}

func (d *dotWriter) Write(p []byte) (int, error) {
	n := len(p)
	d.begun = d.begun || n > 0
	for len(p) > 0 {
		if d.bol && p[0] == '.' {
			d.w.WriteByte('.')
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			d.w.Write(p)
			d.bol, d.cr = false, p[len(p)-1] == '\r'
			break
		}
		cr := d.cr
		if i > 0 {
			cr = p[i-1] == '\r'
		}
		d.w.Write(p[:i])
		if !cr {
			d.w.WriteByte('\r')
		}
		if err := d.w.WriteByte('\n'); err != nil {
			return n - len(p), err
		}
		d.bol, d.cr = true, false
		p = p[i+1:]
	}
	return n, nil
}

// Close ends the content and sends it.
func (d *dotWriter) Close() error {
	if !d.bol || !d.begun {
		if d.cr {
			d.w.WriteString("\n")
		} else {
			d.w.WriteString("\r\n")
		}
	}
	d.w.WriteString(".\r\n")
	return d.w.Flush()
}
