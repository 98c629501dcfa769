package mailin

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"incidentd/mailin/parse"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

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

// keptFiles are the names and sizes of the attachments kept from the mail.
func (a *action) keptFiles() []workflow.File {
	var files []workflow.File
	for _, b := range a.blobs {
		files = append(files, workflow.File{Name: b.Filename, Size: b.Size})
	}
	return files
}

// tellDropped tells the sender which attachments of the mail were not
// kept, when the mail concerned an incident (otherwise nothing was kept
// and the sender has had their answer).
func (a *action) tellDropped() error {
	if len(a.dropped) == 0 || a.incident == 0 {
		return nil
	}
	var files []workflow.File
	for _, d := range a.dropped {
		files = append(files, workflow.File{Name: d.name, Size: d.size})
	}
	a.p.log().Info("attachments not kept", "incident", a.incident, "files", len(a.dropped))
	inc, err := a.tx.Incident(a.incident)
	if err != nil {
		return err
	}
	n := workflow.Notice{Kind: workflow.NoticeDropped, To: []string{a.msg.From.Address}, Incident: inc,
		Files: files, Subject: a.msg.Subject}
	return a.notify([]workflow.Notice{n}, a.incident)
}
