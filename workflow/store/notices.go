package store

import (
	"fmt"
	"time"

	"incidentd/workflow"
)

// MessageIDFunc makes the Message-ID (without <>) of the mail that carries
// notice n to rcpt. It must be deterministic in what caused the notice, so
// that doing the same work twice queues nothing new (package identity
// makes them).
type MessageIDFunc func(n workflow.Notice, rcpt string) string

// QueueNotice queues one mail per recipient of n, dated date, threaded
// after refs (oldest first), with the Message-ID id gives it. Each mail's
// Message-ID joins the incident's thread, so replies to it find the
// incident. A Message-ID already queued is not queued again.
func (tx *Tx) QueueNotice(n workflow.Notice, refs []string, date time.Time, id MessageIDFunc) error {
	for _, rcpt := range n.To {
		mid := id(n, rcpt)
		o := Outgoing{IncidentID: n.Incident.ID, MessageID: mid, Recipient: rcpt, Notice: n, References: refs, Date: date}
		if err := tx.Enqueue(o); err != nil {
			return fmt.Errorf("queue %s to %s: %w", n.Kind, rcpt, err)
		}
		if n.Incident.ID != 0 {
			if err := tx.LinkMessage(mid, n.Incident.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// Notified reports whether any mail about incident was queued for
// recipient: whether they could have replied to one of its notices.
func (tx *Tx) Notified(incident int64, recipient string) (bool, error) {
	var n int
	err := tx.queryRow(`SELECT COUNT(*) FROM outbox WHERE incident_id = ? AND recipient = ?`,
		incident, recipient).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look for mail about incident %d to %s: %w", incident, recipient, err)
	}
	return n > 0, nil
}
