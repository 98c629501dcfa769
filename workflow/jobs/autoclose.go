package jobs

import (
	"context"
	"fmt"
	"time"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// AutoClose closes every resolved incident that nobody validated within
// Options.AutoCloseAfter of its resolution (workflow.AutoClose), each in
// its own transaction that saves the incident, appends the history event
// and queues the notice to the reporter: a run repeated, or cut short by a
// crash, closes each incident exactly once. It returns how many mails were
// queued; none when AutoCloseAfter is zero.
func (j *Jobs) AutoClose(ctx context.Context) (int, error) {
	if j.o.AutoCloseAfter <= 0 {
		return 0, nil
	}
	resolved := func(inc workflow.Incident) bool { return inc.State == workflow.Resolved }
	return j.each(ctx, "auto-close", resolved, j.autoCloseOne)
}

// autoCloseOne closes one incident when it is due.
func (j *Jobs) autoCloseOne(tx *store.Tx, s workflow.Stale, now time.Time) (int, error) {
	res, ok := workflow.AutoClose(s, j.o.AutoCloseAfter, j.o.Roles, j.o.Identity.Address(), now)
	if !ok {
		return 0, nil
	}
	id := res.Incident.ID
	refs, err := threadRefs(tx, id)
	if err != nil {
		return 0, err
	}
	if err := tx.SaveIncident(res.Incident); err != nil {
		return 0, err
	}
	if err := tx.AppendEvent(res.Event); err != nil {
		return 0, err
	}
	// The resolution it waited on names the mails: a run that did not
	// commit queues the same Message-IDs the next time.
	cause := fmt.Sprintf("autoclose/%d/%s", id, s.Entered.UTC().Format("20060102T150405.000000000"))
	queued := 0
	for _, n := range res.Notices {
		if err := tx.QueueNotice(n, refs, now, j.o.Identity.MessageIDs(cause)); err != nil {
			return 0, err
		}
		queued += len(n.To)
	}
	j.o.Logger.Info("incident closed without validation", "incident", id, "resolved", s.Entered,
		"waited", workflow.SecondsOf(now.Sub(s.Entered)).String())
	return queued, nil
}
