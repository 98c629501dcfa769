package mailout

import (
	"context"
	"strings"
	"testing"

	"incidentd/mailout/render/rendertest"
	"incidentd/mailservers/smtpsink"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// TestEachMailInItsRecipientsLanguage: one notice to four people goes to
// each in their language: the one configured for them (over the one they
// wrote in), the one they last wrote in, else the default.
func TestEachMailInItsRecipientsLanguage(t *testing.T) {
	b := smtpsink.New(smtpsink.Options{})
	f := bareFixture(t, b)
	d, err := NewDispatcher(Options{From: testFrom, Language: "es", Store: f.store, Now: f.clock.Now,
		Languages: map[string]string{"ana@example.com": "en", "bob@example.com": "es"},
		SMTP:      SMTPOptions{Address: startSink(t, b), TLS: TLSNone}, Identity: f.ident})
	if err != nil {
		t.Fatal(err)
	}
	f.d = d
	err = f.store.Update(context.Background(), func(tx *store.Tx) error {
		if err := tx.SetLanguage("bob@example.com", "en", t0); err != nil { // configured: es wins
			return err
		}
		return tx.SetLanguage("carol@example.com", "en", t0)
	})
	if err != nil {
		t.Fatal(err)
	}
	inc := f.incident(t, workflow.Reported, nil)
	f.enqueue(t, workflow.Notice{Kind: workflow.NoticeNew, Incident: inc, Actor: inc.Reporter},
		"ana@example.com", "bob@example.com", "carol@example.com", "dave@example.com")
	f.flush(t)

	want := map[string]string{"ana@example.com": "en", "bob@example.com": "es", "carol@example.com": "en", "dave@example.com": "es"}
	mails := b.Received()
	if len(mails) != len(want) {
		t.Fatalf("%d mails, want %d", len(mails), len(want))
	}
	for _, m := range mails {
		mr, p := rendertest.Parse(t, m.Data)
		subject, _ := mr.Header.Subject()
		got := "es"
		if strings.Contains(subject, "waiting for evaluation") && strings.Contains(p.Text, "Hello") {
			got = "en"
		}
		if rcpt := m.To[0]; got != want[rcpt] {
			t.Errorf("%s got %q in %s, want %s", rcpt, subject, got, want[rcpt])
		}
	}
}

func TestBadRecipientLanguage(t *testing.T) {
	_, err := NewDispatcher(Options{From: testFrom, Store: openStore(t), SMTP: SMTPOptions{Address: "localhost:25"},
		Languages: map[string]string{"ana@example.com": "fr"}})
	if err == nil || !strings.Contains(err.Error(), `"fr" of ana@example.com`) {
		t.Errorf("language fr for ana: error %v", err)
	}
}
