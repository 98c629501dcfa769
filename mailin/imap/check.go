package imap

import (
	"context"
	"fmt"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"incidentd/mailauth"
)

// Check connects to the IMAP server as Watch does (TLS, login) and looks
// at the mailboxes: the watched one must exist; the processed and
// quarantine ones are created when missing, as Watch would create them at
// its start. It reads no mail. steps is told of each step; the error is
// the first that failed.
func Check(ctx context.Context, o Options, steps mailauth.Steps) error {
	o, err := o.withDefaults()
	if err != nil {
		return err
	}
	w := &watcher{o: o, steps: steps}
	c, err := w.dial(ctx, &imapclient.Options{})
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := w.login(ctx, c); err != nil {
		return err
	}
	var sel *goimap.SelectData
	err = within(c, cmdTimeout, func() (err error) {
		sel, err = c.Select(o.Mailbox, &goimap.SelectOptions{ReadOnly: true}).Wait()
		return err
	})
	if err != nil {
		return steps.Done("mailbox "+o.Mailbox, fmt.Errorf("examine %s: %w", o.Mailbox, err), "")
	}
	steps.Done("mailbox "+o.Mailbox, nil, fmt.Sprintf("%d messages", sel.NumMessages))
	for _, name := range []string{o.Processed, o.Quarantine} {
		created, err := w.ensureMailbox(c, name)
		found := "present"
		if created {
			found = "was missing: created"
		}
		if err := steps.Done("mailbox "+name, err, found); err != nil {
			return err
		}
	}
	return within(c, cmdTimeout, c.Logout().Wait)
}
