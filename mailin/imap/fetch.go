package imap

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"

	goimap "github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// spoolOver is the size above which a fetched mail is written to a
// temporary file as it arrives instead of being held in memory: a batch
// holds at most batchSize·spoolOver bytes of mail in memory, whatever the
// size of its mails, and the intake two batches (one handled, the next
// fetched).
const spoolOver = 64 << 10

// fetched is one mail of a batch, read from the server.
type fetched struct {
	uid     goimap.UID
	size    int64
	content *io.SectionReader
	spool   *os.File // the temporary file holding content; nil when in memory
}

// release removes the spool file, if any.
func (f fetched) release() {
	if f.spool != nil {
		f.spool.Close()
		os.Remove(f.spool.Name())
	}
}

// startFetch sends one FETCH of the mails uids and returns the read of
// its answer, which streams each body to memory or to a spool file. Mail
// gone in the meantime or flagged \Deleted is left out. The result is in
// UID order; the caller releases it.
func (s *session) startFetch(uids []goimap.UID) (read func() ([]fetched, error)) {
	cmd := s.c.Fetch(goimap.UIDSetNum(uids...), &goimap.FetchOptions{
		UID: true, Flags: true, RFC822Size: true,
		BodySection: []*goimap.FetchItemBodySection{{Peek: true}}, // the whole mail, not setting \Seen
	})
	return func() ([]fetched, error) {
		var out []fetched
		err := within(s.c, fetchTimeout, func() error {
			for m := cmd.Next(); m != nil; m = cmd.Next() {
				f, deleted, err := readFetched(m)
				if err != nil {
					f.release()
					cmd.Close()
					return err
				}
				if f.content == nil || deleted || !slices.Contains(uids, f.uid) {
					f.release()
					continue
				}
				out = append(out, f)
			}
			return cmd.Close()
		})
		if err != nil {
			for _, f := range out {
				f.release()
			}
			return nil, err
		}
		slices.SortFunc(out, func(a, b fetched) int { return int(a.uid) - int(b.uid) })
		return out, nil
	}
}

// prefetch is a FETCH whose answer is read, and the mails prepared by
// the Handler, in the background.
type prefetch struct {
	done  chan struct{}
	mails []fetched
	batch Batch // the mails prepared by the Handler
	err   error
}

// prefetch sends one FETCH of the mails uids, reads its answer as
// startFetch's read does and hands the mails to the Handler's Prepare, in
// the background.
func (s *session) prefetch(uids []goimap.UID) *prefetch {
	p := &prefetch{done: make(chan struct{})}
	read := s.startFetch(uids)
	go func() {
		defer close(p.done)
		if p.mails, p.err = read(); p.err != nil {
			return
		}
		contents := make([]*io.SectionReader, len(p.mails))
		for i, m := range p.mails {
			contents[i] = m.content
		}
		p.batch = s.h.Prepare(contents)
	}()
	return p
}

// wait returns the mails fetched and their Batch, prepared by the
// Handler; the caller releases the mails.
func (p *prefetch) wait() ([]fetched, Batch, error) {
	<-p.done
	return p.mails, p.batch, p.err
}

// discard waits for the fetch, if any, and releases what it read.
func (p *prefetch) discard() {
	if p == nil {
		return
	}
	mails, _, _ := p.wait()
	for _, m := range mails {
		m.release()
	}
}

// readFetched reads the items of one message of a FETCH response.
func readFetched(m *imapclient.FetchMessageData) (f fetched, deleted bool, err error) {
	for item := m.Next(); item != nil; item = m.Next() {
		switch it := item.(type) {
		case imapclient.FetchItemDataUID:
			f.uid = it.UID
		case imapclient.FetchItemDataFlags:
			deleted = slices.Contains(it.Flags, goimap.FlagDeleted)
		case imapclient.FetchItemDataRFC822Size:
			f.size = it.Size
		case imapclient.FetchItemDataBodySection:
			if it.Literal == nil || f.content != nil {
				continue
			}
			if f.content, f.spool, err = spool(it.Literal); err != nil {
				return f, false, fmt.Errorf("read uid %d: %w", f.uid, err)
			}
		}
	}
	return f, deleted, nil
}

// spool reads a literal into memory, or into a temporary file when it is
// larger than spoolOver.
func spool(lit goimap.LiteralReader) (*io.SectionReader, *os.File, error) {
	if lit.Size() <= spoolOver {
		buf := make([]byte, lit.Size())
		if _, err := io.ReadFull(lit, buf); err != nil {
			return nil, nil, err
		}
		return io.NewSectionReader(bytes.NewReader(buf), 0, lit.Size()), nil, nil
	}
	f, err := os.CreateTemp("", "incidentd-mail-*")
	if err != nil {
		return nil, nil, fmt.Errorf("spool: %w", err)
	}
	n, err := io.Copy(f, lit)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, nil, fmt.Errorf("spool: %w", err)
	}
	return io.NewSectionReader(f, 0, n), f, nil
}
