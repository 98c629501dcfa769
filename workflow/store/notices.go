package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"incidentd/workflow"
)

// MessageIDFunc makes the Message-ID (without <>) of the mail that carries
// notice n to rcpt. It must be deterministic in what caused the notice, so
// that doing the same work twice queues nothing new.
type MessageIDFunc func(n workflow.Notice, rcpt string) string

// CauseMessageID is the MessageIDFunc of notices caused by cause (the key
// of the mail handled, or a name for a scheduled job's run):
// "inc<n>.<hash of cause, kind and recipient>@<domain>".
func CauseMessageID(domain, cause string) MessageIDFunc {
	return func(n workflow.Notice, rcpt string) string {
		return fmt.Sprintf("inc%d.%s@%s", n.Incident.ID, NoticeKey(cause, n.Kind, rcpt), domain)
	}
}

// NoticeKey is the unique, deterministic part of the Message-ID of notice
// kind sent to rcpt because of cause.
func NoticeKey(cause string, kind workflow.NoticeKind, rcpt string) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{cause, string(kind), rcpt}, "\x00")))
	return hex.EncodeToString(sum[:12])
}

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

// ThreadReferences are the References of a new mail about an incident
// that answers no particular mail: the thread's first and latest
// Message-IDs (one when they are the same; none when the thread is empty).
func (tx *Tx) ThreadReferences(incidentID int64) ([]string, error) {
	root, err := tx.ThreadRoot(incidentID)
	if err != nil || root == "" {
		return nil, err
	}
	var last string
	err = tx.queryRow(`SELECT message_id FROM messages
		WHERE incident_id = ? ORDER BY seq DESC LIMIT 1`, incidentID).Scan(&last)
	if err != nil {
		return nil, fmt.Errorf("latest message of incident %d: %w", incidentID, err)
	}
	if last == root {
		return []string{root}, nil
	}
	return []string{root, last}, nil
}
