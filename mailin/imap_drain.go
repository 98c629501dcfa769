package mailin

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/emersion/go-imap/v2"
)

// batchSize is how many mails are fetched and handled (in one
// transaction) together.
const batchSize = 100

// moveEvery is how many handled mails are moved together: a server's
// MOVE has a large cost of its own (Dovecot's costs as much as moving 300
// more mails), so the moves of several batches are made in one. After a
// crash, handled mail not moved yet is fetched again and recognized.
const moveEvery = 500

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
	after := imap.UID(s.cp.LastUID)
	var uids []imap.UID
	err := within(s.c, cmdTimeout, func() error {
		data, err := s.c.UIDSearch(&imap.SearchCriteria{
			UID:     []imap.UIDSet{{imap.UIDRange{Start: after + 1}}}, // after+1:*
			NotFlag: []imap.Flag{imap.FlagDeleted},
		}, nil).Wait()
		if err != nil {
			return err
		}
		set, _ := data.All.(imap.UIDSet)
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
	uids = slices.DeleteFunc(uids, func(u imap.UID) bool { return u <= after })
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
	// round ends); their MOVE goes out after the next batch's FETCH, so
	// the server moves the ones while the other is handled. Mail is done
	// with, and the checkpoint passes it, once its MOVE is answered.
	var gathered, moving *batch
	finish := func() error {
		if moving == nil {
			return nil
		}
		done, err := moving.finish()
		if err != nil {
			return err
		}
		if !failed && done > 0 {
			s.advance(ctx, uint32(moving.uids[done-1]))
		}
		failed = failed || done < len(moving.uids)
		moving = nil
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
		mails, handle, err := next.wait()
		next = nil
		if err == nil && i+1 < len(batches) {
			next = s.prefetch(batches[i+1])
		}
		if gathered != nil && len(gathered.uids) >= moveEvery {
			moving, gathered = gathered, nil
			moving.startMoves()
		}
		var b *batch
		if err != nil {
			err = fmt.Errorf("fetch %d mails from uid %d: %w", len(uids), uids[0], err)
		} else {
			b = s.handle(ctx, uids, mails, handle)
		}
		if ferr := finish(); ferr != nil {
			b.release() // the session ends; the next one moves their mail
			gathered.release()
			return ferr
		}
		if err != nil {
			gathered.release()
			return err
		}
		if b == nil {
			break // shutting down: what was handled is moved
		}
		gathered = gathered.join(b)
	}
	if moving = gathered; moving != nil {
		moving.startMoves()
	}
	return finish()
}

// batch is a handled batch of mails on its way out of the mailbox.
type batch struct {
	s       *session
	uids    []imap.UID            // asked for, in order
	fetched map[imap.UID]bool     // of uids, those the server still had
	handled map[imap.UID]bool     // of those, the ones to move
	dest    map[string][]imap.UID // where each goes
	waits   []func() error        // the answers to the moves, once started
	holds   int                   // of the session's closer, one per batch joined
}

// handle hands a batch of fetched mails to the Handler (with handle),
// releases them, and returns what to move where. A mail whose Handler
// outcome is an error stays where it is, untouched. It returns no batch
// when the session is shutting down: the mails are left for next time.
func (s *session) handle(ctx context.Context, uids []imap.UID, mails []fetched, handle func(context.Context) []Outcome) *batch {
	defer func() {
		for _, m := range mails {
			m.release()
		}
	}()
	if !s.stop.hold() {
		return nil // shutting down: leave them for next time
	}
	b := &batch{s: s, uids: uids, fetched: map[imap.UID]bool{}, handled: map[imap.UID]bool{}, dest: map[string][]imap.UID{},
		holds: 1}
	for _, m := range mails {
		b.fetched[m.uid] = true
	}
	// A shutdown lets the batch in flight finish: its transaction is not
	// cancelled, and its moves are made (a second signal ends the process
	// instead).
	outcomes := handle(context.WithoutCancel(ctx))
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
func (b *batch) join(next *batch) *batch {
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
func (b *batch) release() {
	if b == nil {
		return
	}
	for range b.holds {
		b.s.stop.release()
	}
}

// startMoves sends the batch's moves without waiting for their answers.
func (b *batch) startMoves() {
	for _, to := range []string{b.s.o.Processed, b.s.o.Quarantine} {
		if uids := b.dest[to]; len(uids) > 0 {
			wait := b.s.startMove(uids, to)
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
func (b *batch) finish() (done int, err error) {
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

// startMove sends the move of mails by UID and returns the wait for its
// answer. With MOVE, the command goes out now. Without it, the mail is
// copied first and, only once the copy is answered, flagged \Deleted and,
// with UIDPLUS, expunged by UID; without UIDPLUS too, that EXPUNGE would
// also remove every other \Deleted mail of the mailbox, so the mail is
// copied and flagged \Deleted only, and the expunge is left to the
// mailbox's owner. Those steps run in the wait.
func (s *session) startMove(uids []imap.UID, dest string) (wait func() error) {
	set := imap.UIDSetNum(uids...)
	if s.caps.Has(imap.CapMove) {
		cmd := s.c.Move(set, dest)
		return func() error {
			return within(s.c, cmdTimeout, func() error {
				_, err := cmd.Wait()
				return err
			})
		}
	}
	return func() error {
		if !s.caps.Has(imap.CapUIDPlus) && !s.warnedNoExpunge {
			s.warnedNoExpunge = true
			s.o.Logger.Warn("imap server offers neither MOVE nor UIDPLUS: handled mail is copied and flagged \\Deleted in the mailbox, never expunged",
				"mailbox", s.o.Mailbox)
		}
		return within(s.c, cmdTimeout, func() error {
			if _, err := s.c.Copy(set, dest).Wait(); err != nil {
				return fmt.Errorf("copy: %w", err)
			}
			deleted := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
			if err := s.c.Store(set, deleted, nil).Close(); err != nil {
				return fmt.Errorf("flag \\Deleted: %w", err)
			}
			if s.caps.Has(imap.CapUIDPlus) {
				if err := s.c.UIDExpunge(set).Close(); err != nil {
					return fmt.Errorf("expunge: %w", err)
				}
			}
			return nil
		})
	}
}
