package jobs

import (
	"context"
	"fmt"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// DigestPeriod is the period the digest sent now covers: DigestPeriod
// long, ending now, in Location.
func (j *Jobs) DigestPeriod() workflow.Period {
	now := j.o.Now().In(j.o.Location)
	return workflow.Period{From: now.Add(-j.o.DigestPeriod), To: now}
}

// Digest queues the digest of the last DigestPeriod to the admins: the
// same numbers as `incidentd stats -since` for that period. It returns how
// many mails were queued; none when no admin is configured.
func (j *Jobs) Digest(ctx context.Context) (int, error) {
	p := j.DigestPeriod()
	queued := 0
	err := j.o.Store.Update(ctx, func(tx *store.Tx) error {
		m, err := tx.Metrics(p, j.o.Categories, j.o.Form, j.o.Roles)
		if err != nil {
			return err
		}
		n := workflow.Notice{Kind: workflow.NoticeDigest, To: j.o.Roles.Members(workflow.Admin, workflow.Incident{}), Metrics: &m}
		cause := "digest/" + p.To.UTC().Format("20060102T150405.000000000")
		queued = len(n.To)
		return tx.QueueNotice(n, nil, p.To, j.o.Identity.MessageIDs(cause))
	})
	if err != nil {
		return 0, fmt.Errorf("digest: %w", err)
	}
	if queued == 0 {
		j.o.Logger.Warn("digest not sent: no admins configured")
	} else {
		j.o.Logger.Info("digest queued", "from", p.From, "to", p.To, "recipients", queued)
	}
	j.queued(queued)
	return queued, nil
}
