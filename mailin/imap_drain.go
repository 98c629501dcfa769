package mailin

import (
	"context"
	"fmt"
	"slices"

	"github.com/emersion/go-imap/v2"
)

// round hands every mail of the mailbox newer than the checkpoint to the
// Handler once, in UID order, one message in memory at a time, and moves
// the checkpoint past the mail handled before the first one that failed.
// Mail flagged \Deleted is someone else's business (or ours, copied
// already where MOVE is missing) and is skipped.
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
	for _, uid := range uids {
		if ctx.Err() != nil {
			return nil
		}
		handled, err := s.handle(ctx, uid)
		if err != nil {
			return err
		}
		if failed = failed || !handled; !failed {
			s.advance(ctx, uint32(uid))
		}
	}
	return nil
}

// handle fetches one mail, hands it to the Handler and moves it where the
// Handler said. It reports whether the mail is done with (moved, or gone);
// an error is a connection error. A Handler error leaves the mail where it
// is, untouched.
func (s *session) handle(ctx context.Context, uid imap.UID) (bool, error) {
	body := &imap.FetchItemBodySection{Peek: true} // the whole mail, not setting \Seen
	var raw []byte
	var size int64
	err := within(s.c, fetchTimeout, func() error {
		msgs, err := s.c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{
			UID: true, Flags: true, RFC822Size: true, BodySection: []*imap.FetchItemBodySection{body},
		}).Collect()
		for _, m := range msgs {
			if m.UID == uid && !slices.Contains(m.Flags, imap.FlagDeleted) {
				raw, size = m.FindBodySection(body), m.RFC822Size
			}
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("fetch uid %d: %w", uid, err)
	}
	log := s.o.Logger.With("mailbox", s.o.Mailbox, "uid", uid, "size", size)
	if raw == nil {
		log.Debug("imap mail gone before it was handled")
		return true, nil
	}
	if !s.stop.hold() {
		return false, nil // shutting down: leave it for next time
	}
	defer s.stop.release()
	// A shutdown lets the mail in flight finish: its transaction is not
	// cancelled (a second signal ends the process instead).
	d, err := s.h.Handle(context.WithoutCancel(ctx), raw)
	if err != nil {
		log.Warn("mail not handled; it stays in the mailbox, untouched, and is tried again", "err", err, "retry_in", grow(s.retry))
		return false, nil
	}
	dest := s.o.Processed
	if d == Quarantined {
		dest = s.o.Quarantine
	}
	if err := s.move(uid, dest); err != nil {
		return false, fmt.Errorf("move uid %d to %s: %w", uid, dest, err)
	}
	log.Info("mail handled", "disposition", d, "moved_to", dest)
	return true, nil
}

// move moves one mail by UID. Without MOVE, go-imap falls back to COPY,
// STORE \Deleted and EXPUNGE; without UIDPLUS too, that EXPUNGE would also
// remove every other \Deleted mail of the mailbox, so the mail is copied
// and flagged \Deleted only, and the expunge is left to the mailbox's owner.
func (s *session) move(uid imap.UID, dest string) error {
	set := imap.UIDSetNum(uid)
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
