package mailin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"incidentd/mailin/parse"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// Processor turns one raw mail into its effects: a new incident, a
// transition, a comment, or a reply that says why nothing changed. Every
// effect of a mail (state, history, outgoing notices, the record that the
// mail was handled) commits in one transaction.
type Processor struct {
	Store    *store.Store
	Roles    workflow.Roles
	Defaults workflow.Fields // type and priority used when a report names none
	// Address is our own address (incidents@example.com); mail from it is
	// never answered.
	Address string
	// MaxMessageBytes quarantines larger mail; zero means no limit.
	MaxMessageBytes int64
	Logger          *slog.Logger
	Now             func() time.Time // default time.Now
	// Committed is called after a mail's effects were committed, e.g. to
	// wake the outbox dispatcher.
	Committed func()
}

// Handle processes one mail. An error means nothing was committed and the
// mail must stay where it is, to be tried again.
func (p *Processor) Handle(ctx context.Context, raw []byte) (Disposition, error) {
	if p.MaxMessageBytes > 0 && int64(len(raw)) > p.MaxMessageBytes {
		return p.quarantine(ctx, raw, fmt.Sprintf("message of %d bytes is over the limit of %d", len(raw), p.MaxMessageBytes))
	}
	msg, err := parse.Parse(raw)
	if err != nil {
		return p.quarantine(ctx, raw, err.Error())
	}
	return p.handle(ctx, raw, msg)
}

func (p *Processor) now() time.Time {
	if p.Now != nil {
		return p.Now().UTC()
	}
	return time.Now().UTC()
}

func (p *Processor) log() *slog.Logger {
	if p.Logger != nil {
		return p.Logger
	}
	return slog.Default()
}

// Key is the dedupe key of a mail: its Message-ID, or a hash of its bytes
// when it has none.
func Key(raw []byte, messageID string) string {
	if messageID != "" {
		return messageID
	}
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func (p *Processor) handle(ctx context.Context, raw []byte, msg *parse.Message) (Disposition, error) {
	key := Key(raw, msg.MessageID)
	log := p.log().With("message_id", key, "from", msg.From.Address)
	if reason := p.ignored(msg); reason != "" {
		log.Info("mail ignored", "reason", reason)
		return Processed, p.Store.Update(ctx, func(tx *store.Tx) error {
			return tx.MarkProcessed(key, 0, "ignored: "+reason, p.now())
		})
	}
	blobs, err := p.storeAttachments(msg)
	if err != nil {
		return 0, err
	}
	var outcome string
	err = p.Store.Update(ctx, func(tx *store.Tx) error {
		if done, err := tx.Processed(key); err != nil || done {
			outcome = "already processed"
			return err
		}
		m, err := match(tx, msg)
		if err != nil {
			return err
		}
		a := action{p: p, tx: tx, msg: msg, key: key, blobs: blobs}
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
		return tx.MarkProcessed(key, a.incident, outcome, p.now())
	})
	if err != nil {
		return 0, fmt.Errorf("process %s: %w", key, err)
	}
	log.Info("mail processed", "outcome", outcome)
	if p.Committed != nil {
		p.Committed()
	}
	return Processed, nil
}

// ignored says why a mail must get no answer and have no effect: automatic
// mail and our own.
func (p *Processor) ignored(msg *parse.Message) string {
	switch {
	case msg.Automatic != "":
		return "automatic mail (" + msg.Automatic + ")"
	case msg.From.Address == "":
		return "no sender"
	case p.Address != "" && strings.EqualFold(msg.From.Address, p.Address):
		return "sent by incidentd itself"
	}
	return ""
}

// storeAttachments writes a mail's attachments to the blob store before
// the transaction: blobs are content-addressed, so a retry writes nothing
// new and an unused blob harms nothing.
func (p *Processor) storeAttachments(msg *parse.Message) ([]store.Attachment, error) {
	var out []store.Attachment
	for _, a := range msg.Attachments {
		hash, size, err := p.Store.PutBlob(bytes.NewReader(a.Data))
		if err != nil {
			return nil, fmt.Errorf("store attachment %q: %w", a.Filename, err)
		}
		out = append(out, store.Attachment{Filename: a.Filename, ContentType: a.ContentType,
			ContentID: a.ContentID, Hash: hash, Size: size, Inline: a.Inline})
	}
	return out, nil
}

// quarantine records a mail that cannot be read and tells its sender, when
// there is one to tell. The mail itself is kept by the caller in the
// quarantine mailbox.
func (p *Processor) quarantine(ctx context.Context, raw []byte, why string) (Disposition, error) {
	from, subject := sender(raw)
	key := Key(raw, "")
	// The mailbox keeps the mail; the store keeps a copy too, for mail that
	// came from standard input.
	hash, _, err := p.Store.PutBlob(bytes.NewReader(raw))
	if err != nil {
		return 0, fmt.Errorf("keep quarantined mail: %w", err)
	}
	p.log().Warn("mail quarantined", "key", key, "from", from, "reason", why, "copy", "sha256:"+hash)
	err = p.Store.Update(ctx, func(tx *store.Tx) error {
		if done, err := tx.Processed(key); err != nil || done {
			return err
		}
		if from != "" && !strings.EqualFold(from, p.Address) {
			n := workflow.Notice{Kind: workflow.NoticeQuarantined, To: []string{from}, Text: why, Subject: subject}
			if err := p.enqueue(tx, n, key, nil); err != nil {
				return err
			}
		}
		return tx.MarkProcessed(key, 0, "quarantined ("+why+"), copy sha256:"+hash, p.now())
	})
	if err != nil {
		return 0, fmt.Errorf("quarantine %s: %w", key, err)
	}
	if p.Committed != nil {
		p.Committed()
	}
	return Quarantined, nil
}

// sender reads the From address and the subject of a mail that could not
// be parsed, as far as its header can be read.
func sender(raw []byte) (from, subject string) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", ""
	}
	if a, err := mail.ParseAddress(m.Header.Get("From")); err == nil {
		from = strings.ToLower(a.Address)
	}
	return from, m.Header.Get("Subject")
}
