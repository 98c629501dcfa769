package mailin

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/emersion/go-imap/v2"
)

// batchSize is how many mails are fetched, handled (in one transaction)
// and moved together.
const batchSize = 100

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
	for batch := range slices.Chunk(uids, batchSize) {
		if ctx.Err() != nil {
			return nil
		}
		done, err := s.handle(ctx, batch)
		if err != nil {
			return err
		}
		if !failed && done > 0 {
			s.advance(ctx, uint32(batch[done-1]))
		}
		failed = failed || done < len(batch)
	}
	return nil
}

// handle fetches a batch of mails, hands them to the Handler and moves
// each where the Handler said. It reports how many mails at the start of
// the batch are done with (moved, or gone); an error is a connection
// error. A mail whose Handler outcome is an error stays where it is,
// untouched.
func (s *session) handle(ctx context.Context, uids []imap.UID) (done int, err error) {
	mails, err := s.fetch(uids)
	if err != nil {
		return 0, fmt.Errorf("fetch %d mails from uid %d: %w", len(uids), uids[0], err)
	}
	defer func() {
		for _, m := range mails {
			m.release()
		}
	}()
	if !s.stop.hold() {
		return 0, nil // shutting down: leave them for next time
	}
	defer s.stop.release()
	readers := make([]*io.SectionReader, len(mails))
	for i, m := range mails {
		readers[i] = m.content
	}
	// A shutdown lets the batch in flight finish: its transaction is not
	// cancelled (a second signal ends the process instead).
	outcomes := s.h.HandleBatch(context.WithoutCancel(ctx), readers)
	handled := map[imap.UID]bool{}
	dest := map[string][]imap.UID{}
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
		dest[to] = append(dest[to], m.uid)
		handled[m.uid] = true
		s.o.Logger.Debug("mail handled", "mailbox", s.o.Mailbox, "uid", m.uid, "size", m.size,
			"disposition", outcomes[i].Disposition, "moved_to", to)
	}
	for _, to := range []string{s.o.Processed, s.o.Quarantine} {
		if len(dest[to]) == 0 {
			continue
		}
		if err := s.move(dest[to], to); err != nil {
			return 0, fmt.Errorf("move %d mails to %s: %w", len(dest[to]), to, err)
		}
	}
	fetchedUID := map[imap.UID]bool{}
	for _, m := range mails {
		fetchedUID[m.uid] = true
	}
	// Mail not fetched was gone before it was handled: done with too.
	for done < len(uids) && (handled[uids[done]] || !fetchedUID[uids[done]]) {
		done++
	}
	return done, nil
}

// move moves mails by UID. Without MOVE, go-imap falls back to COPY,
// STORE \Deleted and EXPUNGE; without UIDPLUS too, that EXPUNGE would also
// remove every other \Deleted mail of the mailbox, so the mail is copied
// and flagged \Deleted only, and the expunge is left to the mailbox's owner.
func (s *session) move(uids []imap.UID, dest string) error {
	set := imap.UIDSetNum(uids...)
	if s.caps.Has(imap.CapMove) || s.caps.Has(imap.CapUIDPlus) {
		return within(s.c, cmdTimeout, func() error {
			_, err := s.c.Move(set, dest).Wait()
			return err
		})
	}
	if !s.warnedNoExpunge {
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
		return nil
	})
}
