package mailin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"incidentd/mailin/parse"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// Limits bound what one mail may cost: the answers sent to one sender,
// the notices about one incident, the attachments kept.
type Limits struct {
	// RepliesPerSenderHour caps the answers (refusals, unknown incident,
	// quarantine, dropped attachments) queued for one address in an hour.
	// Default 10; negative means no limit.
	RepliesPerSenderHour int
	// NoticesPerIncidentHour caps the mails queued about one incident in
	// an hour. Default 30; negative means no limit.
	NoticesPerIncidentHour int
	// AttachmentBytes is the largest attachment kept; zero means no limit.
	AttachmentBytes int64
	// Attachments is how many attachments of one mail are kept; zero means
	// no limit.
	Attachments int
}

// replyKinds are the notices that answer a sender rather than tell the
// people of an incident what happened.
var replyKinds = []workflow.NoticeKind{workflow.NoticeRefused, workflow.NoticeUnknown,
	workflow.NoticeQuarantined, workflow.NoticeDropped}

func limit(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// withinLimits reports whether a mail of n to rcpt may be queued. A mail
// held back is dropped, not delayed: the state change that caused it is
// committed and in the history all the same, and a loop between two
// programs dies out instead of being slowed down. It is logged.
// about is the count of mails queued about n's incident in the last
// hour, -1 until counted: nothing is queued between the checks of one
// notice's recipients, so one count serves them all.
func (p *Processor) withinLimits(tx *store.Tx, n workflow.Notice, rcpt string, about *int) (bool, error) {
	since := p.now().Add(-time.Hour)
	checks := []struct {
		max   int
		count func() (int, error)
		what  string
	}{
		{limit(p.Limits.RepliesPerSenderHour, 10), func() (int, error) {
			if !slices.Contains(replyKinds, n.Kind) {
				return 0, nil
			}
			return tx.QueuedTo(rcpt, replyKinds, since)
		}, "answers per sender per hour"},
		{limit(p.Limits.NoticesPerIncidentHour, 30), func() (int, error) {
			switch {
			case n.Incident.ID == 0:
				return 0, nil
			case *about >= 0:
				return *about, nil
			}
			var err error
			*about, err = tx.QueuedAbout(n.Incident.ID, since)
			return *about, err
		}, "mails per incident per hour"},
	}
	for _, c := range checks {
		if c.max < 0 {
			continue
		}
		got, err := c.count()
		if err != nil {
			return false, err
		}
		if got >= c.max {
			p.log().Warn("rate limit: mail not sent", "to", rcpt, "kind", n.Kind, "incident", n.Incident.ID,
				"limit", fmt.Sprintf("%d %s", c.max, c.what))
			return false, nil
		}
	}
	return true, nil
}

// droppedFile is an attachment not kept, and why.
type droppedFile struct {
	name string
	size int64
}

// streamOver is the size above which an attachment goes to the blob store
// as it is decoded; smaller ones wait in memory until the mail is known to
// keep them (an automatic mail keeps none).
const streamOver = 256 << 10

// keeper takes a mail's attachments as the parser decodes them (a
// parse.Keeper) and applies the limits: it keeps, in order, the files
// within them, and lists the others to tell the sender. Blobs are
// content-addressed, so a retry writes nothing new and an unused blob
// harms nothing. Filenames are made safe.
type keeper struct {
	p       *Processor
	files   []keptFile
	dropped []droppedFile
	err     error // the first error, which also ends the parse
}

// keptFile is a kept attachment; data holds its content until it is in
// the blob store.
type keptFile struct {
	store.Attachment
	data []byte
}

func (k *keeper) keep(a parse.Attachment, content io.Reader) (int64, error) {
	size, err := k.take(a, content)
	if err != nil && k.err == nil {
		k.err = err
	}
	return size, err
}

func (k *keeper) take(a parse.Attachment, content io.Reader) (int64, error) {
	name := SafeFilename(a.Filename)
	lim := k.p.Limits
	drop := func(read int64) (int64, error) {
		rest, err := io.Copy(io.Discard, content)
		k.dropped = append(k.dropped, droppedFile{name: name, size: read + rest})
		return read + rest, err
	}
	if lim.Attachments > 0 && len(k.files) >= lim.Attachments {
		return drop(0)
	}
	head, err := io.ReadAll(io.LimitReader(content, streamOver+1))
	if err != nil {
		return 0, fmt.Errorf("read attachment %q: %w", name, err)
	}
	f := keptFile{Attachment: store.Attachment{Filename: name, ContentType: a.ContentType,
		ContentID: a.ContentID, Inline: a.Inline}}
	if len(head) <= streamOver {
		if lim.AttachmentBytes > 0 && int64(len(head)) > lim.AttachmentBytes {
			return drop(int64(len(head)))
		}
		f.data, f.Size = head, int64(len(head))
		k.files = append(k.files, f)
		return f.Size, nil
	}
	max := int64(-1)
	if lim.AttachmentBytes > 0 {
		max = lim.AttachmentBytes
	}
	hash, size, err := k.p.Store.PutBlobMax(io.MultiReader(bytes.NewReader(head), content), max)
	if errors.Is(err, store.ErrTooLarge) {
		return drop(size)
	}
	if err != nil {
		return 0, fmt.Errorf("store attachment %q: %w", name, err)
	}
	f.Hash, f.Size = hash, size
	k.files = append(k.files, f)
	return size, nil
}

// stored puts the attachments still in memory in the blob store and
// returns every attachment kept.
func (k *keeper) stored() ([]store.Attachment, error) {
	var out []store.Attachment
	for _, f := range k.files {
		if f.data != nil {
			hash, _, err := k.p.Store.PutBlob(bytes.NewReader(f.data))
			if err != nil {
				return nil, fmt.Errorf("store attachment %q: %w", f.Filename, err)
			}
			f.Hash = hash
		}
		out = append(out, f.Attachment)
	}
	return out, nil
}

// tellDropped tells the sender which attachments of the mail were not
// kept, when the mail concerned an incident (otherwise nothing was kept
// and the sender has had their answer).
func (a *action) tellDropped() error {
	if len(a.dropped) == 0 || a.incident == 0 {
		return nil
	}
	var lines []string
	for _, d := range a.dropped {
		lines = append(lines, fmt.Sprintf("%s (%d bytes)", d.name, d.size))
	}
	a.p.log().Info("attachments not kept", "incident", a.incident, "files", len(a.dropped))
	inc, err := a.tx.Incident(a.incident)
	if err != nil {
		return err
	}
	n := workflow.Notice{Kind: workflow.NoticeDropped, To: []string{a.msg.From.Address}, Incident: inc,
		Text: strings.Join(lines, "\n"), Subject: a.msg.Subject}
	return a.notify([]workflow.Notice{n}, a.incident)
}

// maxFilename is the longest filename kept, in bytes.
const maxFilename = 120

// SafeFilename makes an attachment's name safe to show, to put in a mail
// header or on disk: no directory, no control or bidirectional-override
// characters, no leading dots, at most 120 bytes (the extension kept).
// Nothing is left becomes "attachment".
func SafeFilename(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(strings.TrimRight(name, "/"))
	name = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r):
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	name = strings.TrimSpace(name)
	if len(name) > maxFilename {
		ext := path.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		name = truncate(name[:len(name)-len(ext)], maxFilename-len(ext)) + ext
	}
	if name == "" || name == "/" {
		return "attachment"
	}
	return name
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
