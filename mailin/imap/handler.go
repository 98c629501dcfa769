package imap

import (
	"context"
	"io"
)

// Disposition says where a handled mail goes.
type Disposition int

const (
	Processed   Disposition = iota // move to the processed mailbox
	Quarantined                    // move to the quarantine mailbox
)

// String names the disposition as the logs show it.
func (d Disposition) String() string {
	if d == Quarantined {
		return "quarantined"
	}
	return "processed"
}

// Handler handles the mails Watch fetched, a batch at a time, in UID
// order, in two phases: Prepare reads a batch, in the background while
// the batch before it is applied, and the Batch it returns is applied
// after that one (*mailin.Processor implements it). Each mail is a reader
// of its raw bytes, held in memory or spooled to a temporary file when
// large; it is valid until the Batch's Apply returns.
type Handler interface {
	// Prepare reads mails and commits nothing: a Batch prepared while
	// Watch stops is dropped without being applied.
	Prepare(mails []*io.SectionReader) Batch
}

// Batch is a batch of mails a Handler prepared.
type Batch interface {
	// Apply handles the mails and returns one Outcome per mail, in the
	// same order.
	Apply(ctx context.Context) []Outcome
}

// Outcome is what became of one mail: where it goes, or why it was not
// handled now. With an error, the mail stays in the inbox, untouched, and
// is tried again in the next round; the error is logged.
type Outcome struct {
	Disposition Disposition
	Err         error
}
