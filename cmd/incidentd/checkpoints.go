package main

import (
	"context"
	"time"

	"incidentd/mailin/imap"
	"incidentd/workflow/store"
)

// checkpoints keeps the IMAP intake's checkpoints in the store.
type checkpoints struct{ st *store.Store }

func (c checkpoints) Checkpoint(ctx context.Context, key string) (imap.Checkpoint, error) {
	cp, err := c.st.Checkpoint(ctx, key)
	return imap.Checkpoint(cp), err
}

func (c checkpoints) SaveCheckpoint(ctx context.Context, key string, cp imap.Checkpoint, at time.Time) error {
	return c.st.SaveCheckpoint(ctx, key, store.Checkpoint(cp), at)
}
