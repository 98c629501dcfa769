package mailout

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/textproto"

	"github.com/wneessen/go-mail/smtp"

	"incidentd/mailauth"
)

// session is one SMTP connection, dialed on first use and reused for every
// mail of a batch. After a failed dial it refuses the rest of the batch
// with the same error instead of dialing again.
type session struct {
	opts    SMTPOptions
	from    string
	logger  *slog.Logger
	conn    *smtp.Client
	dialErr error
	buf     *bufio.Writer // gathers a chunked transaction, for one write
}

// chunkBuffer is the size of session.buf: a typical notification and its
// envelope fit whole.
const chunkBuffer = 64 << 10

// ready connects the session unless it is connected. After a failed dial
// it returns the same error again without dialing.
func (s *session) ready(ctx context.Context) error {
	if s.dialErr != nil {
		return s.dialErr
	}
	if s.conn == nil {
		conn, err := s.opts.dial(ctx, nil)
		if err != nil {
			s.dialErr = err
			return s.dialErr
		}
		s.conn = conn
	}
	return nil
}

// eightBit reports whether the connected server takes 8-bit data.
func (s *session) eightBit() bool {
	ok, _ := s.conn.Extension("8BITMIME")
	return ok
}

// outcome is what became of one mail handed to the server. permanent
// reports a 5xx reply to the mail itself: sending it again will not help.
// Connection trouble, including a refusal while connecting, is temporary.
type outcome struct {
	permanent bool
	err       error
}

// send hands mails, each unchanged, to the server, and returns what became
// of each. With CHUNKING and PIPELINING they go out together; otherwise
// one at a time.
func (s *session) send(ctx context.Context, mails []envelope) []outcome {
	out := make([]outcome, len(mails))
	if err := s.prepare(ctx); err != nil {
		for i := range out {
			out[i].err = err
		}
		return out
	}
	pipelining, _ := s.conn.Extension("PIPELINING")
	chunking, _ := s.conn.Extension("CHUNKING")
	if pipelining && chunking {
		if s.buf == nil {
			s.buf = bufio.NewWriterSize(nil, chunkBuffer)
		}
		errs := transmitChunked(s.conn, s.buf, s.from, mails)
		for i, err := range errs {
			out[i] = judge(err)
		}
		s.settle(errs...)
		return out
	}
	for i, m := range mails {
		if i > 0 {
			if err := s.prepare(ctx); err != nil {
				out[i].err = err
				continue
			}
		}
		var err error
		if pipelining {
			err = transmitPipelined(s.conn, s.from, m.rcpt, m.data)
		} else {
			err = transmit(s.conn, s.from, m.rcpt, m.data)
		}
		out[i] = judge(err)
		s.settle(err)
	}
	return out
}

// prepare connects the session unless it is connected, and gives the
// connection Timeout for what comes next.
func (s *session) prepare(ctx context.Context) error {
	if err := s.ready(ctx); err != nil {
		return err
	}
	if err := s.conn.UpdateDeadline(s.opts.Timeout); err != nil {
		s.drop(err)
		return fmt.Errorf("set deadline: %w", err)
	}
	return nil
}

// judge tells a refusal from the server, temporary or permanent, from
// connection trouble.
// A 530 (authentication or STARTTLS required) is no fault of the mail: it
// waits, as after a refused login, until the configuration is fixed.
func judge(err error) outcome {
	var reply *textproto.Error
	if errors.As(err, &reply) && reply.Code == 530 {
		return outcome{err: &mailauth.HintError{Err: err, Hint: "the server takes mail only after a login: " +
			"set smtp.username and its password (smtp.auth), or the smtp.tls it asks for"}}
	}
	return outcome{permanent: errors.As(err, &reply) && reply.Code >= 500, err: err}
}

// settle leaves the connection ready for the next mail after the outcomes
// errs: a connection in an unknown state is dropped, so that the next mail
// dials again; after a refusal, RSET ends what is left of the transaction.
func (s *session) settle(errs ...error) {
	refused := false
	for _, err := range errs {
		var reply *textproto.Error
		switch {
		case err == nil:
		case errors.As(err, &reply):
			refused = true
		default:
			s.drop(err)
			return
		}
	}
	if refused {
		if err := s.conn.Reset(); err != nil {
			s.drop(err)
		}
	}
}

// transmit runs one SMTP transaction, a command at a time.
func transmit(conn *smtp.Client, from, rcpt string, data io.Reader) error {
	if err := conn.Mail(from); err != nil {
		return fmt.Errorf("MAIL FROM:<%s>: %w", from, err)
	}
	if err := conn.Rcpt(rcpt); err != nil {
		return fmt.Errorf("RCPT TO:<%s>: %w", rcpt, err)
	}
	w, err := conn.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := io.Copy(w, data); err != nil {
		w.Close()
		return fmt.Errorf("write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("end of message: %w", err)
	}
	return nil
}

// close ends the connection, if any, with QUIT.
func (s *session) close() {
	if s.conn == nil {
		return
	}
	if err := s.conn.Quit(); err != nil {
		s.logger.Debug("smtp quit", "address", s.opts.Address, "error", err)
		s.drop(err)
	}
	s.conn = nil
}

// drop closes a connection that cannot be used any more, without QUIT.
func (s *session) drop(cause error) {
	if s.conn == nil {
		return
	}
	if err := s.conn.Close(); err != nil {
		s.logger.Debug("smtp close", "address", s.opts.Address, "cause", cause, "error", err)
	}
	s.conn = nil
}
