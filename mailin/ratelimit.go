package mailin

import (
	"fmt"
	"slices"
	"time"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// Limits bound what one mail may cost: the answers sent to one sender,
// the notices about one incident, the attachments kept.
type Limits struct {
	// RepliesPerSenderHour caps the answers (refusals, unknown incident,
	// quarantine, dropped attachments, receipts, near misses) queued for one address in an hour.
	// Default 10; negative means no limit.
	RepliesPerSenderHour int
	// NoticesPerIncidentHour caps the mails queued about one incident in
	// an hour. Default 30; negative means no limit.
	NoticesPerIncidentHour int
	// AttachmentBytes is the largest attachment kept; zero means no limit.
	AttachmentBytes int64
	// Attachments is how many attachments of one mail are kept; zero means
	// no limit.
	Attachments int
}

// replyKinds are the notices that answer a sender rather than tell the
// people of an incident what happened.
var replyKinds = []workflow.NoticeKind{workflow.NoticeRefused, workflow.NoticeUnknown,
	workflow.NoticeQuarantined, workflow.NoticeDropped, workflow.NoticeReceipt, workflow.NoticeNearMiss}

func limit(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// withinLimits reports whether a mail of n to rcpt may be queued. A mail
// held back is dropped, not delayed: the state change that caused it is
// committed and in the history all the same, and a loop between two
// programs dies out instead of being slowed down. It is logged.
// about is the count of mails queued about n's incident in the last
// hour, -1 until counted: nothing is queued between the checks of one
// notice's recipients, so one count serves them all.
func (p *Processor) withinLimits(tx *store.Tx, n workflow.Notice, rcpt string, about *int) (bool, error) {
	since := p.now().Add(-time.Hour)
	checks := []struct {
		max   int
		count func() (int, error)
		what  string
	}{
		{limit(p.Limits.RepliesPerSenderHour, 10), func() (int, error) {
			if !slices.Contains(replyKinds, n.Kind) {
				return 0, nil
			}
			return tx.QueuedTo(rcpt, replyKinds, since)
		}, "answers per sender per hour"},
		{limit(p.Limits.NoticesPerIncidentHour, 30), func() (int, error) {
			switch {
			case n.Incident.ID == 0:
				return 0, nil
			case *about >= 0:
				return *about, nil
			}
			var err error
			*about, err = tx.QueuedAbout(n.Incident.ID, since)
			return *about, err
		}, "mails per incident per hour"},
	}
	for _, c := range checks {
		if c.max < 0 {
			continue
		}
		got, err := c.count()
		if err != nil {
			return false, err
		}
		if got >= c.max {
			p.log().Warn("rate limit: mail not sent", "to", rcpt, "kind", n.Kind, "incident", n.Incident.ID,
				"limit", fmt.Sprintf("%d %s", c.max, c.what))
			return false, nil
		}
	}
	return true, nil
}
