package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"incidentd/workflow"
)

// The states of an outgoing mail.
const (
	OutboxPending = "pending" // waiting for its next attempt
	OutboxSent    = "sent"    // accepted by the SMTP server
	OutboxFailed  = "failed"  // given up on
)

// Outgoing is one notification mail in the outbox.
type Outgoing struct {
	ID          int64
	IncidentID  int64  // 0 when the notice concerns no incident
	MessageID   string // without <>, unique
	Recipient   string
	Notice      workflow.Notice // stored as JSON
	References  []string        // thread Message-IDs, oldest first
	Date        time.Time       // when it was queued; the mail's Date header
	State       string          // OutboxPending, OutboxSent or OutboxFailed
	Attempts    int             // failed attempts so far
	NextAttempt time.Time
	LastError   string
	SentAt      time.Time // zero until sent
}

// Enqueue adds a pending mail, due at o.Date. ID, State, Attempts,
// NextAttempt, LastError and SentAt of o are ignored. A mail whose
// MessageID is already in the outbox is not added again. The mail added
// joins Queued.
func (tx *Tx) Enqueue(o Outgoing) error {
	if tx.readOnly {
		return errReadOnly
	}
	notice, err := json.Marshal(o.Notice)
	if err != nil {
		return fmt.Errorf("enqueue %s: encode notice: %w", o.MessageID, err)
	}
	refs, err := json.Marshal(o.References)
	if err != nil {
		return fmt.Errorf("enqueue %s: encode references: %w", o.MessageID, err)
	}
	date := formatTime(o.Date)
	res, err := tx.exec(`INSERT INTO outbox (incident_id, message_id, recipient, notice, refs,
		date, state, next_attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (message_id) DO NOTHING`,
		nullID(o.IncidentID), o.MessageID, o.Recipient, string(notice), string(refs), date, OutboxPending, date)
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", o.MessageID, err)
	}
	switch n, err := res.RowsAffected(); {
	case err != nil:
		return fmt.Errorf("enqueue %s: %w", o.MessageID, err)
	case n == 0:
		return nil // queued before
	}
	if o.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("enqueue %s: %w", o.MessageID, err)
	}
	// As Due would read it back.
	o.Date, _ = parseTime(date)
	o.State, o.Attempts, o.NextAttempt, o.LastError, o.SentAt = OutboxPending, 0, o.Date, "", time.Time{}
	tx.queued = append(tx.queued, o)
	return nil
}

// Queued lists the mails this transaction added to the outbox so far, in
// the order they were added: after a commit, they can be sent without
// being read back.
func (tx *Tx) Queued() []Outgoing { return tx.queued }

const outgoingColumns = `id, incident_id, message_id, recipient, notice, refs, date, state,
	attempts, next_attempt, last_error, sent_at`

func scanOutgoing(r scanner) (Outgoing, error) {
	var (
		o           Outgoing
		incidentID  sql.NullInt64
		notice, ref []byte
	)
	err := r.Scan(&o.ID, &incidentID, &o.MessageID, &o.Recipient, &notice, &ref,
		timeCol{&o.Date}, &o.State, &o.Attempts, timeCol{&o.NextAttempt}, &o.LastError,
		timeCol{&o.SentAt})
	if err != nil {
		return o, err
	}
	o.IncidentID = incidentID.Int64
	if err := json.Unmarshal(notice, &o.Notice); err != nil {
		return o, fmt.Errorf("outgoing %d: decode notice: %w", o.ID, err)
	}
	if err := json.Unmarshal(ref, &o.References); err != nil {
		return o, fmt.Errorf("outgoing %d: decode references: %w", o.ID, err)
	}
	return o, nil
}

// Outbox lists the mails in the given state ("" for all), newest first.
func (tx *Tx) Outbox(state string) ([]Outgoing, error) {
	out, err := queryAll(tx, scanOutgoing, `SELECT `+outgoingColumns+` FROM outbox
		WHERE ? = '' OR state = ? ORDER BY id DESC`, state, state)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return out, nil
}

// dueQuery reads a page of due mail: which mail, and whether it was tried
// before. In date order, the index of pending mail starts the scan at the
// page's start, stops it at its end, and answers it alone. (A partial
// index serves a query that names its condition literally, not as a
// parameter.)
const dueQuery = `SELECT id, attempts FROM outbox INDEXED BY outbox_pending
	WHERE state = 'pending' AND (date, id) > (?, ?) AND next_attempt <= ?
	ORDER BY date, id LIMIT ?`

// outgoingQuery reads mails by ID.
const outgoingQuery = `SELECT ` + outgoingColumns + ` FROM outbox WHERE id IN (SELECT value FROM json_each(?))`

// nextDueQuery reads when the next pending mail is due.
const nextDueQuery = `SELECT MIN(next_attempt) FROM outbox WHERE state = 'pending'`

// Due lists up to limit pending mails whose next attempt is at or before
// now, oldest (by Date, then queueing order) first, after the mail after:
// the last of the previous page, or the zero Outgoing for the first page.
// held, when not nil, gives the mails at hand already, as Queued listed
// them: a mail it gives that was never tried is not read again.
func (s *Store) Due(ctx context.Context, now time.Time, after Outgoing, limit int, held func(id int64) (Outgoing, bool)) ([]Outgoing, error) {
	var out []Outgoing
	err := s.View(ctx, func(tx *Tx) error {
		type key struct {
			id       int64
			attempts int
		}
		keys, err := queryAll(tx, func(r scanner) (k key, err error) {
			return k, r.Scan(&k.id, &k.attempts)
		}, dueQuery, formatTime(after.Date), after.ID, formatTime(now), limit)
		if err != nil {
			return err
		}
		out = make([]Outgoing, len(keys))
		var read []int64
		for i, k := range keys {
			if held != nil && k.attempts == 0 {
				if o, ok := held(k.id); ok {
					out[i] = o
					continue
				}
			}
			read = append(read, k.id)
		}
		if len(read) == 0 {
			return nil
		}
		ids, _ := json.Marshal(read)
		rows, err := queryAll(tx, scanOutgoing, outgoingQuery, string(ids))
		if err != nil {
			return err
		}
		byID := make(map[int64]Outgoing, len(rows))
		for _, o := range rows {
			byID[o.ID] = o
		}
		for i, k := range keys {
			if out[i].ID == 0 {
				out[i] = byID[k.id]
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("due outgoing mail: %w", err)
	}
	return out, nil
}

// NextDue returns the earliest next attempt of a pending mail; false when
// nothing is pending.
func (s *Store) NextDue(ctx context.Context) (time.Time, bool, error) {
	var next time.Time
	err := s.read.db.QueryRowContext(ctx, nextDueQuery).Scan(timeCol{&next})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due outgoing mail: %w", err)
	}
	return next, !next.IsZero(), nil
}

// MarkSent records, in one transaction, that the mails ids were accepted
// for delivery at at.
func (s *Store) MarkSent(ctx context.Context, at time.Time, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	// One statement for the lot, the same whatever their number.
	list, _ := json.Marshal(ids)
	return s.Update(ctx, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE outbox SET state = ?, sent_at = ?
			WHERE id IN (SELECT value FROM json_each(?))`, OutboxSent, formatTime(at), string(list))
		if err != nil {
			return fmt.Errorf("outgoing %v: mark sent: %w", ids, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != int64(len(ids)) {
			return fmt.Errorf("outgoing %v: mark sent: %d of %d rows (%v): %w", ids, n, len(ids), err, ErrNotFound)
		}
		return nil
	})
}

// MarkRetry records a failed attempt of mail id and when to try again.
func (s *Store) MarkRetry(ctx context.Context, id int64, next time.Time, errText string) error {
	return s.markOutgoing(ctx, id, "mark retry", `UPDATE outbox SET attempts = attempts + 1,
		next_attempt = ?, last_error = ? WHERE id = ?`, formatTime(next), errText, id)
}

// MarkFailed records a last failed attempt of mail id: it is not sent again.
func (s *Store) MarkFailed(ctx context.Context, id int64, errText string) error {
	return s.markOutgoing(ctx, id, "mark failed", `UPDATE outbox SET attempts = attempts + 1,
		state = ?, last_error = ? WHERE id = ?`, OutboxFailed, errText, id)
}

// markOutgoing runs one update of an outbox row in its own transaction.
func (s *Store) markOutgoing(ctx context.Context, id int64, what, query string, args ...any) error {
	err := s.Update(ctx, func(tx *Tx) error {
		res, err := tx.exec(query, args...)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
	if err != nil {
		return fmt.Errorf("outgoing %d: %s: %w", id, what, err)
	}
	return nil
}
