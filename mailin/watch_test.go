package mailin

import (
	"slices"
	"testing"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// watchers reads who follows incident id.
func (p *Processor) watchers(t *testing.T, id int64) []string {
	t.Helper()
	var out []string
	err := p.Store.View(t.Context(), func(tx *store.Tx) (err error) {
		out, err = tx.Watchers(id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sentSince lists the kind and recipient of the mail of out (newest first,
// as Tx.Outbox reads it) queued after the first n, as "kind recipient",
// sorted.
func sentSince(out []store.Outgoing, n int) []string {
	var got []string
	for _, o := range out[:len(out)-n] {
		got = append(got, string(o.Notice.Kind)+" "+o.Recipient)
	}
	slices.Sort(got)
	return got
}

// queued is the mail of out queued after the first n of kind to rcpt.
func queued(t *testing.T, out []store.Outgoing, n int, kind workflow.NoticeKind, rcpt string) store.Outgoing {
	t.Helper()
	for _, o := range out[:len(out)-n] {
		if o.Notice.Kind == kind && o.Recipient == rcpt {
			return o
		}
	}
	t.Fatalf("no %s to %s", kind, rcpt)
	return store.Outgoing{}
}

// TestWatchers: the colleagues copied on a report watch it, not the
// outsiders nor our own address; WATCH and UNWATCH add and remove their
// sender with a receipt and nothing else; the watchers hear of each
// transition with the thread of the incident's other notices.
func TestWatchers(t *testing.T) {
	p := newProcessor(t)
	p.CommandAuth, p.Receipts = AuthSender, true
	p.handleAll(t, mailText("carol@example.com", "Printer jam", "r1@example.com", "", "It jams.",
		"Cc: Dave <Dave@example.com>, erin@partner.example, incidents@example.com"))
	if got := p.watchers(t, 1); !slices.Equal(got, []string{"dave@example.com"}) {
		t.Fatalf("watchers after the report: %v", got)
	}
	_, _, out := p.snapshot(t)
	if got := sentSince(out, 0); !slices.Equal(got, []string{"ack carol@example.com", "new alice@example.com"}) {
		t.Fatalf("the report sent %v", got)
	}

	n := len(out)
	p.handleAll(t, mailText("ann@example.com", "Re: [INC-1] Printer jam", "w1@example.com", "", "Seguir"))
	_, _, out = p.snapshot(t)
	if got := sentSince(out, n); !slices.Equal(got, []string{"receipt ann@example.com"}) || out[0].Notice.Receipt.Event != workflow.EventWatched {
		t.Fatalf("WATCH sent %v", got)
	}
	if got := p.watchers(t, 1); !slices.Equal(got, []string{"ann@example.com", "dave@example.com"}) {
		t.Fatalf("watchers after WATCH: %v", got)
	}

	n = len(out)
	p.handleAll(t, mailText("alice@example.com", "Re: [INC-1] Printer jam", "a1@example.com", "", "ACEPTAR"))
	_, _, out = p.snapshot(t)
	want := []string{"accepted carol@example.com", "assigned bob@example.com", "receipt alice@example.com",
		"watcher ann@example.com", "watcher dave@example.com"}
	if got := sentSince(out, n); !slices.Equal(got, want) {
		t.Fatalf("ACCEPT sent %v, want %v", got, want)
	}
	w, a := queued(t, out, n, workflow.NoticeWatcher, "dave@example.com"), queued(t, out, n, workflow.NoticeAccepted, "carol@example.com")
	if w.Notice.Event != workflow.EventAccepted || len(w.References) == 0 || !slices.Equal(w.References, a.References) {
		t.Errorf("watcher's notice %+v, threaded %v like %v", w.Notice, w.References, a.References)
	}

	n = len(out)
	p.handleAll(t, mailText("dave@example.com", "Re: [INC-1] Printer jam", "u1@example.com", "", "UNWATCH"),
		mailText("erin@partner.example", "Re: [INC-1] Printer jam", "e1@example.com", "", "WATCH"),
		mailText("bob@example.com", "Re: [INC-1] Printer jam", "b1@example.com", "", "RESUELTO"))
	_, _, out = p.snapshot(t)
	want = []string{"receipt bob@example.com", "receipt dave@example.com", "refused erin@partner.example",
		"resolved carol@example.com", "watcher ann@example.com"}
	if got := sentSince(out, n); !slices.Equal(got, want) {
		t.Fatalf("UNWATCH, an outsider's WATCH and RESOLVED sent %v, want %v", got, want)
	}
	if r := queued(t, out, n, workflow.NoticeRefused, "erin@partner.example").Notice.Refusal; r.Reason != workflow.NoRole || r.Verb != workflow.Watch {
		t.Errorf("outsider's WATCH refused with %+v", r)
	}
	if got := p.watchers(t, 1); !slices.Equal(got, []string{"ann@example.com"}) {
		t.Fatalf("watchers at the end: %v", got)
	}
}
