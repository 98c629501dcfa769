package dovecot

import (
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"incidentd/mailservers/memory"
	"incidentd/mailservers/smtpsink"
)

// login opens an IMAP session as addr; a sub-address (user+tag@domain)
// logs in as its user.
func (s *Server) login(addr string) (*imapclient.Client, error) {
	local, domain, _ := strings.Cut(addr, "@")
	local, _, _ = strings.Cut(local, "+")
	addr = local + "@" + domain
	s.mu.Lock()
	pw, ok := s.passwords[addr]
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("no user %s", addr)
	}
	c, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", s.Addr, err)
	}
	if err := c.Login(addr, pw).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("login as %s: %w", addr, err)
	}
	return c, nil
}

// Append stores mails in a user's mailbox (created if missing) over one
// IMAP connection, as a delivery agent would.
func (s *Server) Append(addr, mailbox string, raws ...[]byte) error {
	c, err := s.login(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if mailbox != "INBOX" {
		// An existing mailbox makes this fail: that is fine.
		c.Create(mailbox, nil).Wait()
	}
	for i, raw := range raws {
		cmd := c.Append(mailbox, int64(len(raw)), &imap.AppendOptions{Time: time.Now()})
		if _, err := cmd.Write(raw); err != nil {
			return fmt.Errorf("append mail %d to %s of %s: %w", i, mailbox, addr, err)
		}
		if err := cmd.Close(); err != nil {
			return fmt.Errorf("append mail %d to %s of %s: %w", i, mailbox, addr, err)
		}
		if _, err := cmd.Wait(); err != nil {
			return fmt.Errorf("append mail %d to %s of %s: %w", i, mailbox, addr, err)
		}
	}
	return c.Logout().Wait()
}

// Deliver appends m to each recipient's INBOX, as Postfix would: the
// Deliver of an smtpsink that takes the mail incidentd sends.
func (s *Server) Deliver(_ int, m *smtpsink.Mail) error {
	for _, to := range m.To {
		if err := s.Append(to, "INBOX", m.Data); err != nil {
			return fmt.Errorf("delivery to %s failed: %w", to, err)
		}
	}
	return nil
}

// Count is how many mails a user's mailbox holds.
func (s *Server) Count(addr, mailbox string) (int, error) {
	c, err := s.login(addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	st, err := c.Status(mailbox, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		return 0, fmt.Errorf("status of %s of %s: %w", mailbox, addr, err)
	}
	return int(*st.NumMessages), nil
}

// Messages returns every mail of a user's mailbox in UID order, without
// marking anything seen.
func (s *Server) Messages(addr, mailbox string) ([][]byte, error) {
	c, err := s.login(addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	raws, err := memory.ReadMailbox(c, mailbox)
	if err != nil {
		return nil, fmt.Errorf("%s of %s: %w", mailbox, addr, err)
	}
	return raws, c.Logout().Wait()
}

// Await waits until done holds for the mails of a user's mailbox, read as
// Messages reads them, or timeout passes: mail delivered through Postfix
// arrives a moment after the SMTP server accepted it.
func (s *Server) Await(addr, mailbox string, timeout time.Duration, done func([][]byte) bool) ([][]byte, error) {
	deadline := time.Now().Add(timeout)
	for {
		raws, err := s.Messages(addr, mailbox)
		if err == nil && done(raws) {
			return raws, nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return raws, fmt.Errorf("await mail in %s of %s: %w", mailbox, addr, err)
			}
			return raws, fmt.Errorf("await mail in %s of %s: condition not met after %v (%d mails)", mailbox, addr, timeout, len(raws))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
