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
	"incidentd/workflow/token"
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
	// Tokens signs the reply tokens put in our Message-IDs and verifies
	// those of replies (SPEC §4). Required: with the zero Key our mail
	// carries no token and none is found, so the token policy
	// authenticates nothing.
	Tokens token.Key
	// CommandAuth is the policy a command's mail must pass: AuthToken (the
	// default when empty), AuthDMARC or AuthSender.
	CommandAuth string
	// TrustedAuthservIDs are the authserv-ids whose Authentication-Results
	// count under AuthDMARC.
	TrustedAuthservIDs []string
	// Limits bound the mail sent in answer and the attachments kept.
	Limits Limits
	Logger *slog.Logger
	Now    func() time.Time // default time.Now
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
	tr := readTrace(raw)
	if reason := p.ignored(msg, tr); reason != "" {
		log.Info("mail ignored", "reason", reason)
		return Processed, p.Store.Update(ctx, func(tx *store.Tx) error {
			return tx.MarkProcessed(key, 0, "ignored: "+reason, p.now())
		})
	}
	blobs, dropped, err := p.storeAttachments(msg)
	if err != nil {
		return 0, err
	}
	var outcome string
	err = p.Store.Update(ctx, func(tx *store.Tx) error {
		if done, err := tx.Processed(key); err != nil || done {
			outcome = "already processed"
			return err
		}
		m, err := match(tx, msg, p.tokenIncidents(msg, tr))
		if err != nil {
			return err
		}
		m.authenticated = p.authenticated(msg, tr, m)
		a := action{p: p, tx: tx, msg: msg, key: key, blobs: blobs, dropped: dropped}
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
func (p *Processor) ignored(msg *parse.Message, tr trace) string {
	switch {
	case msg.Automatic != "":
		return "automatic mail (" + msg.Automatic + ")"
	case msg.From.Address == "":
		return "no sender"
	}
	return p.ownMail(msg, tr)
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
			if _, err := p.enqueue(tx, n, key, nil); err != nil {
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
