package store

import (
	"fmt"
	"time"

	"incidentd/workflow"
)

// QueuedTo counts the mails of the given notice kinds queued for
// recipient at or after since, whatever became of them; the rate limits of
// answers to one sender read it.
func (tx *Tx) QueuedTo(recipient string, kinds []workflow.NoticeKind, since time.Time) (int, error) {
	n := 0
	for _, k := range kinds {
		var c int
		err := tx.queryRow(`SELECT COUNT(*) FROM outbox
			WHERE recipient = ? AND date >= ? AND json_extract(notice, '$.Kind') = ?`,
			recipient, formatTime(since), string(k)).Scan(&c)
		if err != nil {
			return 0, fmt.Errorf("count %s mail to %s: %w", k, recipient, err)
		}
		n += c
	}
	return n, nil
}

// QueuedAbout counts the mails about incident queued at or after since.
func (tx *Tx) QueuedAbout(incident int64, since time.Time) (int, error) {
	var n int
	err := tx.queryRow(`SELECT COUNT(*) FROM outbox WHERE incident_id = ? AND date >= ?`,
		incident, formatTime(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count mail about incident %d: %w", incident, err)
	}
	return n, nil
}
