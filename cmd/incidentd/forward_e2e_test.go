package main

import (
	"os"
	"slices"
	"testing"
)

// TestForwardedReportScreenshots: a report forwarded as an attachment
// (Thunderbird's Forward As Attachment) whose attached message holds two
// screenshots. Both are kept with the incident, beside the message, and
// the evaluator's notice carries them on.
func TestForwardedReportScreenshots(t *testing.T) {
	w := startWorld(t, nil)
	raw, err := os.ReadFile("../../mailin/parse/testdata/unseen-files/thunderbird_forward_as_attachment.eml")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.sys.Send("carol@example.com", []string{"incidents@example.com"}, raw); err != nil {
		t.Fatal(err)
	}
	if _, err := w.client.await(t.Context(), "carol"); err != nil {
		t.Fatal(err)
	}
	evaluator, err := w.client.await(t.Context(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"step3-error.png", "step3-console.png", "Checkout fails on step 3.eml"}
	inc, _, atts := w.incident(t, 1)
	var kept []string
	for _, a := range atts {
		kept = append(kept, a.Filename)
	}
	if !slices.Equal(kept, want) {
		t.Errorf("INC-1 keeps %q, want %q", kept, want)
	}
	if inc.Reporter != "carol@example.com" || inc.Title != "Checkout fails on step 3" {
		t.Errorf("INC-1 %+v", inc)
	}
	var sent []string
	for _, a := range evaluator.msg.Attachments {
		sent = append(sent, a.Filename)
		if len(a.Data) == 0 {
			t.Errorf("%s sent on empty", a.Filename)
		}
	}
	for _, name := range want[:2] {
		if !slices.Contains(sent, name) {
			t.Errorf("the evaluator's notice carries %q, without %s", sent, name)
		}
	}
}
