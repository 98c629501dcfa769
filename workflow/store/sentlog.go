package store

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SentLog is a file beside the database listing outbox mails the SMTP
// server accepted, written as soon as it accepts them, before the outbox
// records them (MarkSent, which takes a transaction): after a crash, the
// mails it lists are recorded as sent, not sent again. It is safe for
// concurrent use.
type SentLog struct {
	mu   sync.Mutex
	f    *os.File
	size int64
}

// sentLogPath is where the log of the database at dbPath lives.
func sentLogPath(dbPath string) string { return dbPath + "-sent" }

// OpenSentLog opens the database's log of sent mail, creating it when
// missing, once for the Store, which closes it. The mails it lists
// already, left by a process that stopped before it recorded them, are
// recorded as sent first, and the log is emptied.
func (s *Store) OpenSentLog(ctx context.Context) (*SentLog, error) {
	s.sentMu.Lock()
	defer s.sentMu.Unlock()
	if s.sent != nil {
		return s.sent, nil
	}
	path := sentLogPath(s.path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open sent log: %w", err)
	}
	left, err := readSentLog(f)
	if err == nil {
		err = s.recordSent(ctx, left)
	}
	if err == nil {
		err = f.Truncate(0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("sent log %s: %w", path, err)
	}
	s.sent = &SentLog{f: f}
	return s.sent, nil
}

// sentEntry is a line of the log: mail id was accepted at at.
type sentEntry struct {
	id int64
	at time.Time
}

// readSentLog reads the lines "id unix-nanoseconds" of a log; a line cut
// short by a crash is skipped.
func readSentLog(f *os.File) ([]sentEntry, error) {
	var left []sentEntry
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF {
			return left, nil // what is left, if anything, has no line end
		}
		if err != nil {
			return nil, err
		}
		idText, atText, ok := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
		id, err1 := strconv.ParseInt(idText, 10, 64)
		at, err2 := strconv.ParseInt(atText, 10, 64)
		if ok && err1 == nil && err2 == nil {
			left = append(left, sentEntry{id, time.Unix(0, at)})
		}
	}
}

// recordSent records as sent the mails left in a log that are still
// pending.
func (s *Store) recordSent(ctx context.Context, left []sentEntry) error {
	if len(left) == 0 {
		return nil
	}
	return s.Update(ctx, func(tx *Tx) error {
		for _, e := range left {
			_, err := tx.exec(`UPDATE outbox SET state = ?, sent_at = ? WHERE id = ? AND state = ?`,
				OutboxSent, formatTime(e.at), e.id, OutboxPending)
			if err != nil {
				return fmt.Errorf("outgoing %d: mark sent: %w", e.id, err)
			}
		}
		return nil
	})
}

// Append lists mails ids as accepted at at, in one write.
func (l *SentLog) Append(at time.Time, ids ...int64) error {
	var b bytes.Buffer
	for _, id := range ids {
		fmt.Fprintf(&b, "%d %d\n", id, at.UnixNano())
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.f.Write(b.Bytes())
	l.size += int64(n)
	if err != nil {
		return fmt.Errorf("sent log: %w", err)
	}
	return nil
}

// sentLogMax is the size past which Recorded empties the log.
const sentLogMax = 64 << 10

// Recorded says that every mail the log lists is recorded in the outbox;
// the log is emptied once it is large. The caller makes sure no Append
// runs meanwhile.
func (l *SentLog) Recorded() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.size < sentLogMax {
		return nil
	}
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("sent log: %w", err)
	}
	l.size = 0
	return nil
}
