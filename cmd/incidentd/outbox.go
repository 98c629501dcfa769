package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"incidentd/workflow/store"
)

// cmdOutbox lists the outgoing mail with its state, attempts, next attempt
// and last error, or, with -retry, puts failed mail back in the outbox.
func cmdOutbox(ctx context.Context, e env, args []string) error {
	fs := flags("outbox", e)
	path := configFlag(fs)
	state := fs.String("state", "", "only mail in this `state`: pending, sent or failed")
	retry := fs.String("retry", "", "put failed mail back in the outbox: its `ID`, or all")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch *state {
	case "", store.OutboxPending, store.OutboxSent, store.OutboxFailed:
	default:
		return fmt.Errorf("-state %q is not pending, sent or failed", *state)
	}
	if *retry != "" {
		return retryOutbox(ctx, e, *path, *retry)
	}
	return withStore(ctx, *path, func(tx *store.Tx) error {
		mails, err := tx.Outbox(*state)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tSTATE\tATTEMPTS\tNEXT ATTEMPT\tINCIDENT\tKIND\tRECIPIENT\tLAST ERROR")
		for _, o := range mails {
			next := o.NextAttempt.Local().Format("2006-01-02 15:04:05")
			attempts := o.Attempts // the failed ones
			switch o.State {
			case store.OutboxSent:
				next = "sent " + o.SentAt.Local().Format("2006-01-02 15:04:05")
				attempts++ // and the one the server accepted
			case store.OutboxFailed:
				next = "never"
			}
			inc := "-"
			if o.IncidentID != 0 {
				inc = fmt.Sprintf("INC-%d", o.IncidentID)
			}
			fmt.Fprintf(w, "%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", o.ID, o.State, attempts, next, inc,
				o.Notice.Kind, o.Recipient, firstLine(o.LastError))
		}
		return w.Flush()
	})
}

// retryOutbox puts one failed mail, or all of them, back in the outbox; a
// running daemon sends them within a minute.
func retryOutbox(ctx context.Context, e env, path, which string) error {
	var id int64
	if which != "all" {
		var err error
		if id, err = strconv.ParseInt(which, 10, 64); err != nil || id <= 0 {
			return fmt.Errorf("-retry %q is not a mail ID or all", which)
		}
	}
	_, st, err := openConfigured(ctx, path, (*Config).validateRecords)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.RetryFailed(ctx, id, time.Now())
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("mail %d is not in the failed state (see incidentd outbox -state failed)", id)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d failed mail(s) put back in the outbox; the running daemon sends them within a minute\n", n)
	return nil
}
