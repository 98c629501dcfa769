package mailin

import (
	"bytes"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"incidentd/mailin/imap"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// Attachments larger than what is held in memory are decoded straight into
// the blob store, whole; one over the size limit is not kept and its sender
// learns its exact size. The mail is read from a file, as the IMAP intake
// spools a large one.
func TestLargeAttachmentsStream(t *testing.T) {
	p := newProcessor(t)
	p.Limits.AttachmentBytes = 1 << 20
	kept := bytes.Repeat([]byte("0123456789abcdef"), (streamOver+streamOver/2)/16) // over streamOver, under the limit
	dropped := bytes.Repeat([]byte("z"), 2<<20)
	part := func(name string, content []byte) string {
		enc := base64.StdEncoding.EncodeToString(content)
		var b strings.Builder
		b.WriteString("--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"" + name +
			"\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n")
		return b.String()
	}
	raw := "From: carol@example.com\r\nTo: incidents@example.com\r\nSubject: Dumps\r\nMessage-ID: <dumps@example.com>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nSee the dumps.\r\n" +
		part("core.dump", kept) + part("huge.dump", dropped) + "--b--\r\n"
	path := filepath.Join(t.TempDir(), "mail.eml")
	if err := os.WriteFile(path, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := p.Prepare([]*io.SectionReader{io.NewSectionReader(f, 0, int64(len(raw)))}).Apply(t.Context())
	if out[0].Err != nil || out[0].Disposition != imap.Processed {
		t.Fatalf("outcome %+v", out[0])
	}
	var atts []store.Attachment
	err = p.Store.View(t.Context(), func(tx *store.Tx) (err error) {
		atts, err = tx.Attachments(1)
		return err
	})
	if err != nil || len(atts) != 1 || atts[0].Filename != "core.dump" || atts[0].Size != int64(len(kept)) {
		t.Fatalf("kept %+v (%v), want core.dump of %d bytes", atts, err, len(kept))
	}
	rc, err := p.Store.OpenBlob(atts[0].Hash)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if got, _ := io.ReadAll(rc); !bytes.Equal(got, kept) {
		t.Errorf("blob holds %d bytes, not the attachment's %d", len(got), len(kept))
	}
	_, _, queued := p.snapshot(t)
	if d := queued[0]; d.Notice.Kind != workflow.NoticeDropped ||
		!slices.Equal(d.Notice.Files, []workflow.File{{Name: "huge.dump", Size: 2097152}}) {
		t.Errorf("newest mail %s: %+v, want the dropped file with its size", d.Notice.Kind, d.Notice.Files)
	}
}
