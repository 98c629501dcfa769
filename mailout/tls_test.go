package mailout

import (
	"crypto/tls"
	"testing"

	"incidentd/mailservers/privateca"
	"incidentd/mailservers/smtpsink"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// testTLS returns a server certificate for 127.0.0.1 and a client
// configuration that trusts it.
func testTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	ca, server := privateca.Test(t, "127.0.0.1")
	return server, ca.ClientConfig()
}

func TestSendOverTLS(t *testing.T) {
	for _, mode := range []string{TLSStartTLS, TLSImplicit} {
		t.Run(mode, func(t *testing.T) {
			serverTLS, clientTLS := testTLS(t)
			f := bareFixture(t, smtpsink.New(smtpsink.Options{TLS: serverTLS, ImplicitTLS: mode == TLSImplicit}))
			addr := startSink(t, f.sink)
			f.sendAck(t, SMTPOptions{Address: addr, TLS: mode, TLSConfig: clientTLS})
			if mails := f.sink.Received(); len(mails) != 1 {
				t.Fatalf("got %d mails over %s, want 1 (outbox: %+v)", len(mails), mode, f.outbox(t))
			}
		})
	}
}

// A server without STARTTLS gets nothing when TLS is left to its default.
func TestStartTLSRequired(t *testing.T) {
	f := bareFixture(t, smtpsink.New(smtpsink.Options{}))
	f.sendAck(t, SMTPOptions{Address: startSink(t, f.sink)})
	if mails := f.sink.Received(); len(mails) != 0 {
		t.Errorf("sent %d mails in plaintext, want none", len(mails))
	}
	if row := f.outbox(t)[0]; row.State != store.OutboxPending || row.Attempts != 1 {
		t.Errorf("outbox row %+v, want pending for a retry", row)
	}
}

// sendAck queues one acknowledgement and flushes it through a dispatcher
// using smtp.
func (f *fixture) sendAck(t *testing.T, smtp SMTPOptions) {
	t.Helper()
	d, err := NewDispatcher(Options{From: testFrom, Store: f.store, Now: f.clock.Now, SMTP: smtp})
	if err != nil {
		t.Fatal(err)
	}
	f.d = d
	inc := f.incident(t, workflow.Reported, nil)
	f.enqueue(t, workflow.Notice{Kind: workflow.NoticeAck, Incident: inc, Actor: inc.Reporter}, inc.Reporter)
	f.flush(t)
}
