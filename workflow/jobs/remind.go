package jobs

import (
	"context"
	"fmt"

	"incidentd/workflow"
	"incidentd/workflow/identity"
	"incidentd/workflow/store"
)

// Remind looks at every incident that is not final and queues the
// reminders and escalations workflow.Remind asks for, each incident in
// its own transaction. It returns how many mails were queued.
func (j *Jobs) Remind(ctx context.Context) (int, error) {
	var open []int64
	err := j.o.Store.View(ctx, func(tx *store.Tx) error {
		incs, err := tx.Incidents(store.Filter{})
		for _, inc := range incs {
			if !inc.State.Final() {
				open = append(open, inc.ID)
			}
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("reminders: %w", err)
	}
	total := 0
	for _, id := range open {
		n, err := j.remindOne(ctx, id)
		if err != nil {
			j.queued(total)
			return total, fmt.Errorf("reminders: INC-%d: %w", id, err)
		}
		total += n
	}
	j.queued(total)
	return total, nil
}

// remindOne decides and queues the notices of one incident, reading it
// afresh inside the transaction.
func (j *Jobs) remindOne(ctx context.Context, id int64) (int, error) {
	queued := 0
	err := j.o.Store.Update(ctx, func(tx *store.Tx) error {
		queued = 0
		inc, err := tx.Incident(id)
		if err != nil {
			return err
		}
		history, err := tx.Events(id)
		if err != nil {
			return err
		}
		now := j.o.Now().UTC()
		s := workflow.StaleOf(inc, history)
		notices := workflow.Remind(s, j.o.Deadlines, j.o.Roles, now)
		if len(notices) == 0 {
			return nil
		}
		root, err := tx.ThreadRoot(id)
		if err != nil {
			return err
		}
		last, err := tx.ThreadLatest(id)
		if err != nil {
			return err
		}
		refs := identity.References(root, last)
		// One name per incident, state and deadline period: the same
		// round of notices always gets the same Message-IDs.
		d := j.o.Deadlines[inc.Priority]
		cause := fmt.Sprintf("remind/%d/%s/%d", id, s.Entered.UTC().Format("20060102T150405.000000000"), now.Sub(s.Entered)/d)
		for _, n := range notices {
			if err := tx.AppendEvent(workflow.RemindedEvent(n, j.o.Identity.Address(), now)); err != nil {
				return err
			}
			if err := tx.QueueNotice(n, refs, now, j.o.Identity.MessageIDs(cause)); err != nil {
				return err
			}
			queued += len(n.To)
			j.o.Logger.Info("incident "+string(n.Kind), "incident", id, "state", inc.State,
				"to", n.To, "waited", n.Overdue.Waited.String())
		}
		return nil
	})
	return queued, err
}
