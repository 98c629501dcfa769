package imap

import (
	"context"
	"time"
)

// Checkpoint is how far the intake got in one mailbox: every mail with a
// UID up to LastUID was handled, as long as the mailbox keeps the same
// UIDVALIDITY. A different UIDVALIDITY voids it.
type Checkpoint struct {
	UIDValidity uint32
	LastUID     uint32
}

// Checkpoints keeps how far the intake got in each mailbox, under a key
// that names the mailbox (the daemon keeps them in its store).
type Checkpoints interface {
	// Checkpoint returns the checkpoint kept under key; the zero
	// Checkpoint when there is none.
	Checkpoint(ctx context.Context, key string) (Checkpoint, error)
	// SaveCheckpoint replaces the checkpoint kept under key.
	SaveCheckpoint(ctx context.Context, key string, cp Checkpoint, at time.Time) error
}

// checkpointTimeout bounds the saving of a checkpoint, which also happens
// while shutting down.
const checkpointTimeout = 5 * time.Second

// checkpointKey names the mailbox of o among the checkpoints: the same
// mailbox name on another server or account is another mailbox.
func (o Options) checkpointKey() string {
	return "imap://" + o.Username + "@" + o.Address + "/" + o.Mailbox
}

// loadCheckpoint reads the checkpoint of the selected mailbox. A checkpoint
// of another UIDVALIDITY says nothing about the mailbox as it is now: the
// whole mailbox is looked at again, which is safe because the Handler
// recognizes mail it has handled before. A checkpoint that cannot be read
// costs only a longer first round.
func (s *session) loadCheckpoint(ctx context.Context, validity uint32) {
	s.cp = Checkpoint{UIDValidity: validity}
	if s.o.Checkpoints == nil {
		return
	}
	log := s.o.Logger.With("mailbox", s.o.Mailbox)
	cp, err := s.o.Checkpoints.Checkpoint(ctx, s.o.checkpointKey())
	switch {
	case err != nil:
		log.Warn("imap checkpoint not read; looking at the whole mailbox", "err", err)
	case cp.UIDValidity == validity:
		s.cp = cp
	case cp.UIDValidity != 0:
		log.Warn("imap mailbox UIDVALIDITY changed; looking at the whole mailbox again",
			"old_uidvalidity", cp.UIDValidity, "uidvalidity", validity)
	}
}

// advance records that every mail up to uid was handled.
func (s *session) advance(ctx context.Context, uid uint32) {
	if s.o.Checkpoints == nil || uid <= s.cp.LastUID {
		return
	}
	s.cp.LastUID = uid
	// Saved on shutdown too: the mail was handled either way.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), checkpointTimeout)
	defer cancel()
	if err := s.o.Checkpoints.SaveCheckpoint(ctx, s.o.checkpointKey(), s.cp, s.o.Now()); err != nil {
		s.o.Logger.Warn("imap checkpoint not saved; the next start looks at more mail", "mailbox", s.o.Mailbox, "err", err)
	}
}
