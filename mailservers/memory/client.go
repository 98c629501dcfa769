package memory

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-smtp"
)

// waitPoll is how often WaitMessages looks at the mailbox.
const waitPoll = 20 * time.Millisecond

// Send submits raw over SMTP to the system, as a mail client would.
func (s *System) Send(from string, to []string, raw []byte) error {
	c, err := smtp.Dial(s.SMTPAddr)
	if err != nil {
		return fmt.Errorf("in-memory mail: dial SMTP: %w", err)
	}
	defer c.Close()
	if err := c.SendMail(from, to, bytes.NewReader(raw)); err != nil {
		return fmt.Errorf("in-memory mail: send from %s to %v: %w", from, to, err)
	}
	if err := c.Quit(); err != nil {
		return fmt.Errorf("in-memory mail: quit SMTP: %w", err)
	}
	return nil
}

// Messages returns every message of a user's mailbox in UID order, read
// through an IMAP login as that user without marking anything seen.
func (s *System) Messages(user, mailbox string) ([][]byte, error) {
	name, u := s.user(user)
	if u == nil {
		return nil, fmt.Errorf("in-memory mail: no user %q", user)
	}
	c, err := imapclient.DialInsecure(s.IMAPAddr, nil)
	if err != nil {
		return nil, fmt.Errorf("in-memory mail: dial IMAP: %w", err)
	}
	defer c.Close()
	if err := c.Login(name, s.passwords[name]).Wait(); err != nil {
		return nil, fmt.Errorf("in-memory mail: login as %s: %w", name, err)
	}
	raws, err := ReadMailbox(c, mailbox)
	if err != nil {
		return nil, fmt.Errorf("in-memory mail: %s of %s: %w", mailbox, name, err)
	}
	if err := c.Logout().Wait(); err != nil {
		return nil, fmt.Errorf("in-memory mail: logout: %w", err)
	}
	return raws, nil
}

// ReadMailbox returns every message of mailbox in UID order, read over a
// logged-in client without marking anything seen.
func ReadMailbox(c *imapclient.Client, mailbox string) ([][]byte, error) {
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, fmt.Errorf("select: %w", err)
	}
	if sel.NumMessages == 0 {
		return nil, nil
	}
	body := &imap.FetchItemBodySection{Peek: true}
	var all imap.SeqSet
	all.AddRange(1, 0) // 1:*
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{body}}).Collect()
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return cmp.Compare(a.UID, b.UID) })
	raws := make([][]byte, len(msgs))
	for i, m := range msgs {
		raws[i] = m.FindBodySection(body)
	}
	return raws, nil
}

// WaitMessages polls Messages until the mailbox holds at least n messages,
// and returns them; it fails when ctx is done first.
func (s *System) WaitMessages(ctx context.Context, user, mailbox string, n int) ([][]byte, error) {
	tick := time.NewTicker(waitPoll)
	defer tick.Stop()
	for {
		msgs, err := s.Messages(user, mailbox)
		if err == nil && len(msgs) >= n {
			return msgs, nil
		}
		select {
		case <-ctx.Done():
			return msgs, fmt.Errorf("in-memory mail: %d of %d messages in %s of %s (last error: %v): %w",
				len(msgs), n, mailbox, user, err, ctx.Err())
		case <-tick.C:
		}
	}
}

// Deliver appends raw to user's INBOX directly, as a local delivery agent
// would, bypassing SMTP (e.g. to preload a backlog).
func (s *System) Deliver(user string, raw []byte) error {
	name, u := s.user(user)
	if u == nil {
		return fmt.Errorf("in-memory mail: no user %q", user)
	}
	if _, err := u.Append("INBOX", bytes.NewReader(raw), &imap.AppendOptions{Time: time.Now()}); err != nil {
		return fmt.Errorf("in-memory mail: deliver to %s: %w", name, err)
	}
	return nil
}
