package mailin

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"incidentd/mailin/imap"
	"incidentd/mailin/parse"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// unit is one mail of a batch: read, its attachments stored, ready to be
// applied inside the batch's transaction. Exactly one of quarantined,
// ignored and msg says what it is.
type unit struct {
	p   *Processor
	key string
	log *slog.Logger

	quarantined *quarantined
	ignored     string // why the mail gets no answer and has no effect
	msg         *parse.Message
	tr          trace
	blobs       []store.Attachment
	dropped     []droppedFile

	// Set by apply.
	disposition imap.Disposition
	outcome     string
}

// quarantined is a mail that cannot be read: why, and what little is
// known of it.
type quarantined struct {
	why, from, subject string
	oversize           *workflow.Oversize // when the mail is too large to read
	hash               string             // of the copy kept in the blob store
}

// prepare reads one mail and does the work that needs no transaction:
// parsing, and storing the attachments. The mail is streamed: neither it
// nor its attachments are held in memory whole.
func (p *Processor) prepare(m *io.SectionReader) (*unit, error) {
	if p.MaxMessageBytes > 0 && m.Size() > p.MaxMessageBytes {
		return p.prepareQuarantine(m, &quarantined{why: fmt.Sprintf("message of %d bytes is over the limit of %d", m.Size(), p.MaxMessageBytes),
			oversize: &workflow.Oversize{Size: m.Size(), Limit: p.MaxMessageBytes}})
	}
	k := &keeper{p: p}
	msg, err := parse.ParseStream(reread(m), k.keep)
	switch {
	case k.err != nil:
		return nil, k.err
	case err != nil:
		return p.prepareQuarantine(m, &quarantined{why: err.Error()})
	}
	key := msg.MessageID
	if key == "" {
		if key, err = hashKey(reread(m)); err != nil {
			return nil, err
		}
	}
	u := &unit{p: p, key: key, msg: msg, tr: readTrace(reread(m)),
		log: p.log().With("message_id", key, "from", msg.From.Address)}
	if u.ignored = p.ignored(msg, u.tr); u.ignored != "" {
		u.log.Info("mail ignored", "reason", u.ignored)
		return u, nil
	}
	if u.blobs, err = k.stored(); err != nil {
		return nil, err
	}
	u.dropped = k.dropped
	return u, nil
}

// reread is a reader of the whole of m, from its start.
func reread(m *io.SectionReader) io.Reader { return io.NewSectionReader(m, 0, m.Size()) }

// hashKey is the dedupe key of a mail without a Message-ID: a hash of
// its bytes.
func hashKey(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("read mail: %w", err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// prepareQuarantine keeps a copy of a mail that cannot be read, and why
// (q): the mailbox keeps the mail, the store a copy too, for mail that
// came from standard input.
func (p *Processor) prepareQuarantine(m *io.SectionReader, q *quarantined) (*unit, error) {
	q.from, q.subject = sender(reread(m))
	hash, _, err := p.Store.PutBlob(reread(m))
	if err != nil {
		return nil, fmt.Errorf("keep quarantined mail: %w", err)
	}
	q.hash = hash
	key := "sha256:" + hash
	p.log().Warn("mail quarantined", "key", key, "from", q.from, "reason", q.why, "copy", key)
	return &unit{p: p, key: key, quarantined: q, log: p.log().With("key", key, "from", q.from)}, nil
}

// apply writes the mail's effects in tx.
func (u *unit) apply(tx *store.Tx) error {
	if done, err := tx.Processed(u.key); err != nil || done {
		u.outcome = "already processed"
		if u.quarantined != nil {
			u.disposition = imap.Quarantined
		}
		return err
	}
	switch {
	case u.quarantined != nil:
		return u.applyQuarantine(tx)
	case u.ignored != "":
		u.outcome = "ignored: " + u.ignored
		return tx.MarkProcessed(u.key, 0, u.outcome, u.p.now())
	}
	p, msg := u.p, u.msg
	m, err := match(tx, msg, p.tokenIncidents(msg, u.tr))
	if err != nil {
		return err
	}
	m.authenticated = p.authenticated(msg, u.tr, m)
	a := action{p: p, tx: tx, msg: msg, key: u.key, blobs: u.blobs, dropped: u.dropped}
	var outcome string
	switch {
	case m.id != 0:
		outcome, err = a.reply(m)
	case m.unknown != 0:
		outcome, err = a.unknown(m.unknown)
	default:
		outcome, err = a.report()
	}
	if err != nil {
		return err
	}
	if err := a.tellDropped(); err != nil {
		return err
	}
	if a.held > 0 {
		outcome += fmt.Sprintf("; %d mails held back by the rate limits", a.held)
	}
	u.outcome = outcome
	return tx.MarkProcessed(u.key, a.incident, outcome, p.now())
}

// applyQuarantine records a mail that cannot be read and tells its
// sender, when there is one to tell. The mail itself goes to the
// quarantine mailbox.
func (u *unit) applyQuarantine(tx *store.Tx) error {
	p, q := u.p, u.quarantined
	u.disposition = imap.Quarantined
	if q.from != "" && !strings.EqualFold(q.from, p.Identity.Address()) {
		// The size says it all; a parser's words are for the administrators.
		n := workflow.Notice{Kind: workflow.NoticeQuarantined, To: []string{q.from}, Subject: q.subject, Oversize: q.oversize}
		if q.oversize == nil {
			n.Text = q.why
		}
		unknown := -1
		if _, err := p.enqueue(tx, n, u.key, nil, &unknown); err != nil {
			return err
		}
	}
	u.outcome = "quarantined (" + q.why + ")"
	return tx.MarkProcessed(u.key, 0, u.outcome+", copy sha256:"+q.hash, p.now())
}
