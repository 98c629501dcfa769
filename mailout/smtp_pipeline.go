package mailout

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/textproto"
	"strings"

	"github.com/wneessen/go-mail/smtp"
)

// transmitPipelined runs one SMTP transaction with PIPELINING (RFC 2920),
// for servers that offer it: MAIL, RCPT and DATA go out together and their
// replies are read after, so that a mail costs two round trips, not four.
// Replies that refuse the mail are *textproto.Error, as with transmit.
func transmitPipelined(conn *smtp.Client, from, rcpt string, data io.Reader) error {
	if strings.ContainsAny(from+rcpt, "\r\n") {
		return &textproto.Error{Code: 501, Msg: "an address holds a line break"}
	}
	params := ""
	if ok, _ := conn.Extension("8BITMIME"); ok {
		params += " BODY=8BITMIME"
	}
	if ok, _ := conn.Extension("SMTPUTF8"); ok {
		params += " SMTPUTF8"
	}
	text := conn.Text
	fmt.Fprintf(text.W, "MAIL FROM:<%s>%s\r\nRCPT TO:<%s>\r\nDATA\r\n", from, params, rcpt)
	if err := text.W.Flush(); err != nil {
		return fmt.Errorf("MAIL FROM:<%s>: %w", from, err)
	}
	var refused error
	for _, step := range []struct {
		code int
		what string
	}{{250, "MAIL FROM:<" + from + ">"}, {25, "RCPT TO:<" + rcpt + ">"}, {354, "DATA"}} {
		_, _, err := text.ReadResponse(step.code)
		if err != nil && refused == nil {
			refused = fmt.Errorf("%s: %w", step.what, err)
		}
		if err != nil && step.code == 354 {
			return refused // no content phase to end
		}
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
