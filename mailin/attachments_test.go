package mailin

import (
	"slices"
	"strings"
	"testing"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// TestAttachmentLimits: attachments over the size or count limit are not
// kept, the report is handled all the same, and its sender is told which
// files were dropped.
func TestAttachmentLimits(t *testing.T) {
	p := newProcessor(t)
	p.Limits.AttachmentBytes, p.Limits.Attachments = 100, 2
	part := func(name string, size int) string {
		return "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"" + name +
			"\"\r\n\r\n" + strings.Repeat("x", size) + "\r\n"
	}
	raw := "From: carol@example.com\r\nTo: incidents@example.com\r\nSubject: Logs\r\nMessage-ID: <logs@example.com>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nSee the logs.\r\n" +
		part("big.log", 500) + part("a.log", 10) + part("b.log", 10) + part("c.log", 10) + "--b--\r\n"
	p.handleAll(t, []byte(raw))
	incs, _, out := p.snapshot(t)
	if len(incs) != 1 {
		t.Fatalf("%d incidents", len(incs))
	}
	var kept []string
	err := p.Store.View(t.Context(), func(tx *store.Tx) error {
		atts, err := tx.Attachments(1)
		for _, a := range atts {
			kept = append(kept, a.Filename)
		}
		return err
	})
	if err != nil || strings.Join(kept, " ") != "a.log b.log" {
		t.Fatalf("kept %v (%v)", kept, err)
	}
	d := out[0]
	if d.Notice.Kind != workflow.NoticeDropped || d.Recipient != "carol@example.com" || d.IncidentID != 1 ||
		!slices.Equal(d.Notice.Files, []workflow.File{{Name: "big.log", Size: 500}, {Name: "c.log", Size: 10}}) {
		t.Fatalf("newest mail %s to %s: %+v", d.Notice.Kind, d.Recipient, d.Notice.Files)
	}
	for _, o := range out {
		if o.Notice.Kind == workflow.NoticeAck &&
			!slices.Equal(o.Notice.Files, []workflow.File{{Name: "a.log", Size: 10}, {Name: "b.log", Size: 10}}) {
			t.Errorf("the acknowledgement lists %+v, want the files kept", o.Notice.Files)
		}
	}
}
