package imap

import (
	"context"
	"fmt"
	"maps"
	"slices"

	goimap "github.com/emersion/go-imap/v2"
)

// batchSize is how many mails are fetched and handled (in one
// transaction) together.
const batchSize = 100

// moveEvery is how many handled mails are moved together: a server's
// MOVE has a large cost of its own (Dovecot's costs 211 µs a mail in
// moves of 100, 82 in moves of 500, 54 in moves of 2000), so the moves of
// several batches are made in one. After a crash, handled mail not moved
// yet is fetched again and recognized.
const moveEvery = 2000

// round hands every mail of the mailbox newer than the checkpoint to the
// Handler once, in UID order, a batch at a time, and moves the checkpoint
// past the mail handled before the first one that failed. Mail flagged
// \Deleted is someone else's business (or ours, copied already where MOVE
// is missing) and is skipped.
func (s *session) round(ctx context.Context) error {
	// Mail arriving from now on signals a new round.
	select {
	case <-s.updates:
	default:
	}
	after := goimap.UID(s.cp.LastUID)
	var uids []goimap.UID
	err := within(s.c, cmdTimeout, func() error {
		data, err := s.c.UIDSearch(&goimap.SearchCriteria{
			UID:     []goimap.UIDSet{{goimap.UIDRange{Start: after + 1}}}, // after+1:*
			NotFlag: []goimap.Flag{goimap.FlagDeleted},
		}, nil).Wait()
		if err != nil {
			return err
		}
		set, _ := data.All.(goimap.UIDSet)
		var ok bool
		if uids, ok = set.Nums(); !ok {
			return fmt.Errorf("server answered the dynamic set %v", set)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("search %s: %w", s.o.Mailbox, err)
	}
	// "n:*" holds the highest UID even when it is below n.
	uids = slices.DeleteFunc(uids, func(u goimap.UID) bool { return u <= after })
	slices.Sort(uids)
	s.o.Logger.Debug("imap round", "mailbox", s.o.Mailbox, "after_uid", after, "mails", len(uids))
	var failed bool
	defer func() {
		if failed {
			s.retry = grow(s.retry)
		} else {
			s.retry = 0
		}
	}()
	// Handled batches gather until they hold moveEvery mails (or the
	// round ends), then are moved, over a second connection when there
	// is more than one move to make; each move's answer is waited for
	// when the next one is made, so the server moves the ones while the
	// next are fetched and handled. Mail is done with, and the checkpoint
	// passes it, once its move is answered.
	var mv *mover
	if len(uids) > moveEvery {
		mv = s.openMover(ctx)
		defer mv.close()
	}
	var gathered, moving *outgoing
	defer func() {
		// The session ends: the next one moves the mail of these.
		moving.release()
		gathered.release()
	}()
	// move waits for the moves made before, if any, then makes gathered's.
	move := func() error {
		if moving != nil {
			done, err := moving.finish()
			if err != nil {
				return err
			}
			if !failed && done > 0 {
				s.advance(ctx, uint32(moving.uids[done-1]))
			}
			failed = failed || done < len(moving.uids)
		}
		moving, gathered = gathered, nil
		if moving != nil {
			moving.startMoves(mv.link(s))
		}
		return nil
	}
	// The next batch is fetched, in the background, while one is handled.
	batches := slices.Collect(slices.Chunk(uids, batchSize))
	var next *prefetch
	defer func() { next.discard() }()
	for i, uids := range batches {
		if ctx.Err() != nil {
			break
		}
		if next == nil {
			next = s.prefetch(uids)
		}
		mails, prepared, err := next.wait()
		next = nil
		if err != nil {
			return fmt.Errorf("fetch %d mails from uid %d: %w", len(uids), uids[0], err)
		}
		if i+1 < len(batches) {
			next = s.prefetch(batches[i+1])
		}
		b := s.handle(ctx, uids, mails, prepared)
		if b == nil {
			break // shutting down: what was handled is moved
		}
		gathered = gathered.join(b)
		if len(gathered.uids) >= moveEvery {
			if err := move(); err != nil {
				return err
			}
		}
	}
	// The last moves, then the wait for every move.
	for moving != nil || gathered != nil {
		if err := move(); err != nil {
			return err
		}
	}
	return nil
}

// outgoing is a handled batch of mails on its way out of the mailbox.
type outgoing struct {
	s       *session
	uids    []goimap.UID            // asked for, in order
	fetched map[goimap.UID]bool     // of uids, those the server still had
	handled map[goimap.UID]bool     // of those, the ones to move
	dest    map[string][]goimap.UID // where each goes
	waits   []func() error          // the answers to the moves, once started
	holds   int                     // of the session's closer, one per batch joined
}

// handle applies the Batch the Handler prepared of a batch of fetched
// mails, releases them, and returns what to move where. A mail whose Handler
// outcome is an error stays where it is, untouched. It returns no batch
// when the session is shutting down: the mails are left for next time.
func (s *session) handle(ctx context.Context, uids []goimap.UID, mails []fetched, prepared Batch) *outgoing {
	defer func() {
		for _, m := range mails {
			m.release()
		}
	}()
	if !s.stop.hold() {
		return nil // shutting down: leave them for next time
	}
	b := &outgoing{s: s, uids: uids, fetched: map[goimap.UID]bool{}, handled: map[goimap.UID]bool{}, dest: map[string][]goimap.UID{},
		holds: 1}
	for _, m := range mails {
		b.fetched[m.uid] = true
	}
	// A shutdown lets the batch in flight finish: its transaction is not
	// cancelled, and its moves are made (a second signal ends the process
	// instead).
	outcomes := prepared.Apply(context.WithoutCancel(ctx))
	for i, m := range mails {
		if err := outcomes[i].Err; err != nil {
			s.o.Logger.Warn("mail not handled; it stays in the mailbox, untouched, and is tried again",
				"mailbox", s.o.Mailbox, "uid", m.uid, "size", m.size, "err", err, "retry_in", grow(s.retry))
			continue
		}
		to := s.o.Processed
		if outcomes[i].Disposition == Quarantined {
			to = s.o.Quarantine
		}
		b.dest[to] = append(b.dest[to], m.uid)
		b.handled[m.uid] = true
		s.o.Logger.Debug("mail handled", "mailbox", s.o.Mailbox, "uid", m.uid, "size", m.size,
			"disposition", outcomes[i].Disposition, "moved_to", to)
	}
	return b
}

// join returns the batch of b's mails followed by next's.
func (b *outgoing) join(next *outgoing) *outgoing {
	if b == nil {
		return next
	}
	b.uids = append(b.uids, next.uids...)
	maps.Copy(b.fetched, next.fetched)
	maps.Copy(b.handled, next.handled)
	for to, uids := range next.dest {
		b.dest[to] = append(b.dest[to], uids...)
	}
	b.holds += next.holds
	return b
}

// release gives back the batch's holds of the session's closer: once
// the batch is moved, or when the session ends with its mail where it is
// (the next session moves it).
func (b *outgoing) release() {
	if b == nil {
		return
	}
	for range b.holds {
		b.s.stop.release()
	}
	b.holds = 0
}

// startMoves sends the batch's moves over l without waiting for their
// answers.
func (b *outgoing) startMoves(l link) {
	for _, to := range []string{b.s.o.Processed, b.s.o.Quarantine} {
		if uids := b.dest[to]; len(uids) > 0 {
			wait := b.s.startMove(l, uids, to)
			b.waits = append(b.waits, func() error {
				if err := wait(); err != nil {
					return fmt.Errorf("move %d mails to %s: %w", len(uids), to, err)
				}
				return nil
			})
		}
	}
}

// finish waits for the batch's moves and reports how many mails at the
// start of the batch are done with (moved, or gone); an error is a
// connection error. It lets a shutdown close the connection.
func (b *outgoing) finish() (done int, err error) {
	defer b.release()
	for _, wait := range b.waits {
		if err := wait(); err != nil {
			return 0, err
		}
	}
	// Mail not fetched was gone before it was handled: done with too.
	for done < len(b.uids) && (b.handled[b.uids[done]] || !b.fetched[b.uids[done]]) {
		done++
	}
	return done, nil
}
