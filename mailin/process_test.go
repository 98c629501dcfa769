package mailin

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentd/mailin/imap"
	"incidentd/workflow"
	"incidentd/workflow/identity"
	"incidentd/workflow/store"
	"incidentd/workflow/token"
)

func newProcessor(t testing.TB) *Processor {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(t.Context(), filepath.Join(dir, "db"), filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	return &Processor{
		Identity: testIdentity(t, "incidents@example.com"),
		Store:    st,
		Roles: workflow.Roles{Domains: []string{"example.com"}, Evaluators: []string{"alice@example.com"},
			Resolvers: []string{"bob@example.com"}, Validators: []string{workflow.ReporterMember}},
		Defaults: workflow.Fields{Type: workflow.TypeError, Priority: workflow.PriorityMedium},
		Now:      func() time.Time { now = now.Add(time.Minute); return now },
	}
}

// testIdentity is address with the tokens of a fixed test secret.
func testIdentity(t testing.TB, address string) identity.Identity {
	t.Helper()
	key, err := token.New([]byte("a test secret of enough bytes"))
	if err != nil {
		t.Fatal(err)
	}
	return identity.New(key, address)
}

func mailText(from, subject, id, inReplyTo, body string, extra ...string) []byte {
	h := fmt.Sprintf("From: %s\r\nTo: incidents@example.com\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: Mon, 4 May 2026 10:00:00 +0000\r\n", from, subject, id)
	if inReplyTo != "" {
		h += fmt.Sprintf("In-Reply-To: <%s>\r\nReferences: <%s>\r\n", inReplyTo, inReplyTo)
	}
	for _, e := range extra {
		h += e + "\r\n"
	}
	return []byte(h + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n"))
}

func (p *Processor) handleAll(t *testing.T, mails ...[]byte) {
	t.Helper()
	for _, m := range mails {
		if d, err := p.Handle(t.Context(), m); err != nil || d != imap.Processed {
			t.Fatalf("handle: %v %v", d, err)
		}
	}
}

func (p *Processor) snapshot(t *testing.T) (incs []workflow.Incident, events []workflow.Event, out []store.Outgoing) {
	t.Helper()
	err := p.Store.View(t.Context(), func(tx *store.Tx) error {
		var err error
		if incs, err = tx.Incidents(store.Filter{}); err != nil {
			return err
		}
		for _, inc := range incs {
			ev, err := tx.Events(inc.ID)
			if err != nil {
				return err
			}
			events = append(events, ev...)
		}
		out, err = tx.Outbox("")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return incs, events, out
}

// TestSameMailTwice: a mail processed twice (crash before the move, two
// copies) has one effect.
func TestSameMailTwice(t *testing.T) {
	p := newProcessor(t)
	report := mailText("Carol <carol@example.com>", "Printer jam", "r1@example.com", "", "Prioridad: Alta\nIt jams.")
	p.handleAll(t, report, report)
	incs, events, out := p.snapshot(t)
	if len(incs) != 1 || len(events) != 1 || len(out) != 2 {
		t.Fatalf("%d incidents, %d events, %d notices after the same report twice", len(incs), len(events), len(out))
	}
	notice := out[0].MessageID
	accept := mailText("alice@example.com", "Re: [INC-1] Printer jam", "a1@example.com", notice, "ACCEPT\n\n> Prioridad: Alta")
	p.handleAll(t, accept, accept)
	incs, events, out = p.snapshot(t)
	if incs[0].State != workflow.InResolution || len(events) != 2 || len(out) != 4 {
		t.Fatalf("state %s, %d events, %d notices after the same ACCEPT twice", incs[0].State, len(events), len(out))
	}
}

// TestMatching: a reply is matched by its threading headers first, by the
// subject tag otherwise, and a quoted keyword does nothing.
func TestMatching(t *testing.T) {
	p := newProcessor(t)
	p.CommandAuth = AuthSender
	p.handleAll(t,
		mailText("carol@example.com", "One", "one@example.com", "", "first"),
		mailText("carol@example.com", "Two", "two@example.com", "", "second"),
		// Threaded to INC-1 although the subject names INC-2.
		mailText("alice@example.com", "Re: [INC-2] One", "x1@example.com", "one@example.com", "ACEPTAR"),
		// No threading headers: the tag decides.
		mailText("alice@example.com", "RE: [INC-2] Two", "x2@example.com", "", "Rechazar: duplicado de INC-1"),
		// The keyword is only in the quote: a comment.
		mailText("bob@example.com", "Re: [INC-1] One", "x3@example.com", "", "Looking at it.\n\nOn Mon, Alice wrote:\n> RESOLVED"),
	)
	incs, events, _ := p.snapshot(t)
	if incs[0].State != workflow.InResolution || incs[1].State != workflow.Rejected {
		t.Fatalf("states %s %s", incs[0].State, incs[1].State)
	}
	var got []string
	for _, e := range events {
		got = append(got, fmt.Sprintf("%d:%s", e.IncidentID, e.Kind))
	}
	want := []string{"1:reported", "1:accepted", "1:comment", "2:reported", "2:rejected"}
	if !slices.Equal(got, want) {
		t.Fatalf("history %v, want %v", got, want)
	}
}

// TestNoAnswer: automatic mail and our own mail have no effect and get no
// reply; a report from outside the organization is refused politely.
func TestNoAnswer(t *testing.T) {
	p := newProcessor(t)
	p.handleAll(t,
		mailText("carol@example.com", "Out of office", "oo@example.com", "", "I am away.", "Auto-Submitted: auto-replied"),
		mailText("Incidents <incidents@example.com>", "[INC-1] Loop", "self@example.com", "", "ACCEPT"),
	)
	incs, _, out := p.snapshot(t)
	if len(incs) != 0 || len(out) != 0 {
		t.Fatalf("automatic or own mail had effects: %d incidents, %d mails", len(incs), len(out))
	}
	p.handleAll(t, mailText("mallory@elsewhere.org", "Free money", "m@elsewhere.org", "", "click"))
	incs, _, out = p.snapshot(t)
	if len(incs) != 0 || len(out) != 1 || out[0].Recipient != "mallory@elsewhere.org" ||
		out[0].Notice.Refusal == nil || out[0].Notice.Refusal.Reason != workflow.Outsider {
		t.Fatalf("outsider report: %d incidents, outbox %+v", len(incs), out)
	}
}

// TestQuarantine: mail over the size limit is quarantined, kept, and its
// sender told how large it was and how large a mail may be, in place of
// the log's English reason.
func TestQuarantine(t *testing.T) {
	p := newProcessor(t)
	p.MaxMessageBytes = 1000
	raw := mailText("carol@example.com", "Big", "big@example.com", "", strings.Repeat("log line\n", 200))
	d, err := p.Handle(t.Context(), raw)
	if err != nil || d != imap.Quarantined {
		t.Fatalf("got %v %v", d, err)
	}
	_, _, out := p.snapshot(t)
	if len(out) != 1 || out[0].Notice.Kind != workflow.NoticeQuarantined || out[0].Recipient != "carol@example.com" {
		t.Fatalf("outbox %+v", out)
	}
	if o := out[0].Notice.Oversize; o == nil || o.Size != int64(len(raw)) || o.Limit != 1000 || out[0].Notice.Text != "" {
		t.Errorf("notice says size %+v, text %q; want %d of 1000 and no text", o, out[0].Notice.Text, len(raw))
	}
	key, err := hashKey(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	hash := key[len("sha256:"):]
	f, err := p.Store.OpenBlob(hash)
	if err != nil {
		t.Fatalf("quarantined mail not kept: %v", err)
	}
	f.Close()
}

// TestForwardedReport: a forwarded report is a report by the forwarder
// about the original, which is kept with its original sender and date,
// whether the forward writes the date in English or, as Gmail's Spanish
// forward does, in Spanish.
func TestForwardedReport(t *testing.T) {
	for _, c := range []struct{ subject, note, from, date, text string }{
		{"Payroll export broken", "Can you look at this?", "From", "Fri, 1 May 2026 09:12:00 +0000",
			"The export stops at 80% every time."},
		{"Falla la exportación", "¿Puedes mirarlo?", "De", "vie, 1 may 2026 a las 9:12", "La exportación se para al 80 %."},
	} {
		p := newProcessor(t)
		p.handleAll(t, mailText("Dave <dave@example.com>", "Fwd: "+c.subject, "fwd@example.com", "",
			c.note+"\n\n---------- Forwarded message ---------\n"+c.from+": Erin <erin@example.com>\n"+
				"Date: "+c.date+"\nSubject: "+c.subject+"\nTo: dave@example.com\n\nSistema: Nóminas\n"+c.text))
		incs, _, _ := p.snapshot(t)
		if len(incs) != 1 {
			t.Fatalf("%d incidents", len(incs))
		}
		inc := incs[0]
		if inc.Reporter != "dave@example.com" || inc.Title != c.subject || inc.System != "Nóminas" {
			t.Fatalf("forwarded report read as %+v", inc)
		}
		for _, want := range []string{c.note, "erin@example.com (Erin), 2026-05-01 09:12 UTC", c.text} {
			if !strings.Contains(inc.Description, want) {
				t.Errorf("description lacks %q:\n%s", want, inc.Description)
			}
		}
	}
}

// TestBatchKeepsOrder: the mails of a batch are read in parallel but take
// effect in their order: incidents are numbered as the mails come, a mail
// over the limit is quarantined in its place, and the second copy of a
// mail in the same batch has no effect.
func TestBatchKeepsOrder(t *testing.T) {
	p := newProcessor(t)
	p.MaxMessageBytes = 2000
	var raws [][]byte
	for i := range 12 {
		raws = append(raws, mailText(fmt.Sprintf("r%d@example.com", i), fmt.Sprintf("Report %d", i), fmt.Sprintf("r%d@x", i), "", "It fails."))
	}
	raws[5] = mailText("big@example.com", "Big", "big@x", "", strings.Repeat("log line\n", 300))
	raws[9] = raws[2]
	var batch []*io.SectionReader
	for _, raw := range raws {
		batch = append(batch, io.NewSectionReader(bytes.NewReader(raw), 0, int64(len(raw))))
	}
	for i, o := range p.Prepare(batch).Apply(t.Context()) {
		want := imap.Processed
		if i == 5 {
			want = imap.Quarantined
		}
		if o.Err != nil || o.Disposition != want {
			t.Errorf("mail %d: %v %v, want %v", i, o.Disposition, o.Err, want)
		}
	}
	incs, _, _ := p.snapshot(t)
	var titles []string
	for _, inc := range incs {
		titles = append(titles, fmt.Sprintf("%d %s", inc.ID, inc.Title))
	}
	want := []string{"1 Report 0", "2 Report 1", "3 Report 2", "4 Report 3", "5 Report 4", "6 Report 6",
		"7 Report 7", "8 Report 8", "9 Report 10", "10 Report 11"}
	if !slices.Equal(titles, want) {
		t.Errorf("incidents %q\nwant %q", titles, want)
	}
}
