package jobs

import (
	"context"
	"fmt"
	"time"

	"incidentd/workflow"
	"incidentd/workflow/identity"
	"incidentd/workflow/store"
)

// Remind looks at every incident that is not final and queues the
// reminders and escalations workflow.Remind asks for, each incident in
// its own transaction. It returns how many mails were queued.
func (j *Jobs) Remind(ctx context.Context) (int, error) {
	open := func(inc workflow.Incident) bool { return !inc.State.Final() }
	return j.each(ctx, "reminders", open, j.remindOne)
}

// each runs one on every incident keep selects, each in a transaction of
// its own in which the incident is read afresh (see apply), and returns
// how many mails they queued; job names the work in errors.
func (j *Jobs) each(ctx context.Context, job string, keep func(workflow.Incident) bool, one step) (int, error) {
	var ids []int64
	err := j.o.Store.View(ctx, func(tx *store.Tx) error {
		incs, err := tx.Incidents(store.Filter{})
		for _, inc := range incs {
			if keep(inc) {
				ids = append(ids, inc.ID)
			}
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", job, err)
	}
	total := 0
	for _, id := range ids {
		n, err := j.apply(ctx, id, one)
		if err != nil {
			j.queued(total)
			return total, fmt.Errorf("%s: INC-%d: %w", job, id, err)
		}
		total += n
	}
	j.queued(total)
	return total, nil
}

// step is the work of a job on one incident inside tx: s is the incident
// as the transaction reads it, now the clock's time. It returns how many
// mails it queued.
type step func(tx *store.Tx, s workflow.Stale, now time.Time) (int, error)

// apply runs one on incident id in a transaction of its own and returns
// how many mails it committed.
func (j *Jobs) apply(ctx context.Context, id int64, one step) (int, error) {
	queued := 0
	err := j.o.Store.Update(ctx, func(tx *store.Tx) error {
		s, err := stale(tx, id)
		if err != nil {
			return err
		}
		queued, err = one(tx, s, j.o.Now().UTC())
		return err
	})
	if err != nil {
		return 0, err
	}
	return queued, nil
}

// stale reads incident id afresh in tx, with when it entered its state
// and was last reminded of.
func stale(tx *store.Tx, id int64) (workflow.Stale, error) {
	inc, err := tx.Incident(id)
	if err != nil {
		return workflow.Stale{}, err
	}
	history, err := tx.Events(id)
	if err != nil {
		return workflow.Stale{}, err
	}
	return workflow.StaleOf(inc, history), nil
}

// threadRefs are the References of a mail the service starts about
// incident id: its thread's first and latest messages.
func threadRefs(tx *store.Tx, id int64) ([]string, error) {
	root, err := tx.ThreadRoot(id)
	if err != nil {
		return nil, err
	}
	last, err := tx.ThreadLatest(id)
	if err != nil {
		return nil, err
	}
	return identity.References(root, last), nil
}

// remindOne decides and queues the reminders and escalations of one
// incident.
func (j *Jobs) remindOne(tx *store.Tx, s workflow.Stale, now time.Time) (int, error) {
	inc := s.Incident
	notices := workflow.Remind(s, j.o.Deadlines, j.o.Roles, now)
	if len(notices) == 0 {
		return 0, nil
	}
	refs, err := threadRefs(tx, inc.ID)
	if err != nil {
		return 0, err
	}
	// One name per incident, state and deadline period: the same round of
	// notices always gets the same Message-IDs.
	d := j.o.Deadlines[inc.Priority]
	cause := fmt.Sprintf("remind/%d/%s/%d", inc.ID, s.Entered.UTC().Format("20060102T150405.000000000"), now.Sub(s.Entered)/d)
	queued := 0
	for _, n := range notices {
		if err := tx.AppendEvent(workflow.RemindedEvent(n, j.o.Identity.Address(), now)); err != nil {
			return 0, err
		}
		if err := tx.QueueNotice(n, refs, now, j.o.Identity.MessageIDs(cause)); err != nil {
			return 0, err
		}
		queued += len(n.To)
		j.o.Logger.Info("incident "+string(n.Kind), "incident", inc.ID, "state", inc.State,
			"to", n.To, "waited", n.Overdue.Waited.String())
	}
	return queued, nil
}
