package mailin

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// frozen stops p's clock, so that every mail of a test falls in the same
// rate-limit hour.
func frozen(p *Processor) {
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	p.Now = func() time.Time { return now }
}

// fresh returns the mails p queued that seen does not hold yet, oldest
// first, and adds them to seen.
func fresh(t *testing.T, p *Processor, seen map[int64]bool) []store.Outgoing {
	t.Helper()
	_, _, out := p.snapshot(t)
	var news []store.Outgoing
	for _, o := range slices.Backward(out) {
		if !seen[o.ID] {
			seen[o.ID] = true
			news = append(news, o)
		}
	}
	return news
}

// stripped is mail o of p as it arrives after a relay that drops the
// markers of automatic mail (Auto-Submitted, X-Loop) and resends it as
// relay@ its domain: the worst case.
func stripped(p *Processor, o store.Outgoing) []byte {
	subject := fmt.Sprintf("[INC-%d] %s", o.IncidentID, o.Notice.Kind)
	if o.IncidentID == 0 {
		subject = "Re: " + o.Notice.Subject
	}
	_, domain, _ := strings.Cut(p.Identity.Address(), "@")
	h := fmt.Sprintf("From: %s\r\nTo: %s\r\nReply-To: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: Mon, 4 May 2026 10:00:00 +0000\r\n",
		"relay@"+domain, o.Recipient, p.Identity.ReplyTo(o), subject, o.MessageID)
	if n := len(o.References); n > 0 {
		h += fmt.Sprintf("In-Reply-To: <%s>\r\nReferences: <%s>\r\n", o.References[n-1], strings.Join(o.References, "> <"))
	}
	return []byte(h + "Content-Type: text/plain; charset=utf-8\r\n\r\nSomething happened: " + string(o.Notice.Kind) + "\r\n" + o.Notice.Text + "\r\n")
}

// TestOutOfOfficeLoop: the reporter and the resolver both have a
// responder that answers every mail they get, as a reply with no mark of
// automatic mail (the worst case). The exchange stops at the per-incident
// limit, and the incident does not move.
func TestOutOfOfficeLoop(t *testing.T) {
	p := newProcessor(t)
	frozen(p)
	reported(t, p, false)
	p.handleAll(t, replyTo(p, notice(t, p, 1, workflow.NoticeNew, "alice@example.com"), "alice@example.com", "acc@example.com", "ACCEPT", ""))
	away := map[string]bool{"carol@example.com": true, "bob@example.com": true}
	seen := map[int64]bool{}
	answers := 0
	for round := 0; ; round++ {
		if round > 200 {
			t.Fatal("the responders and incidentd are still mailing each other after 200 rounds")
		}
		news := fresh(t, p, seen)
		var replies [][]byte
		for _, o := range news {
			if away[o.Recipient] {
				answers++
				replies = append(replies, replyTo(p, o, o.Recipient, fmt.Sprintf("away%d@example.com", answers),
					"I am away until Monday and will read your mail then.", ""))
			}
		}
		if len(replies) == 0 {
			break
		}
		p.handleAll(t, replies...)
	}
	incs, events, out := p.snapshot(t)
	limit := 30
	if len(out) > limit || answers > limit {
		t.Fatalf("%d mails queued and %d answers, want at most %d", len(out), answers, limit)
	}
	if incs[0].State != workflow.InResolution || events[len(events)-1].Kind != workflow.EventComment {
		t.Fatalf("state %s, last event %+v", incs[0].State, events[len(events)-1])
	}
	if len(events) != 2+answers {
		t.Fatalf("%d events for %d answers: a comment was lost", len(events), answers)
	}
}

// TestTwoInstancesLoop: two incidentd, each the other's evaluator and
// resolver, with a gateway between them that strips the markers of
// automatic mail and resends it from a relay address. Each has an INC-1 of
// its own, so each takes the other's notices as comments and notifies back
// (its evaluator is the other instance). The exchange stops at the limits.
func TestTwoInstancesLoop(t *testing.T) {
	a, b := newProcessor(t), newProcessor(t)
	for _, side := range []struct {
		p           *Processor
		self, other string
	}{{a, "a.example", "b.example"}, {b, "b.example", "a.example"}} {
		frozen(side.p)
		side.p.Identity = testIdentity(t, "incidents@"+side.self)
		side.p.Roles = workflow.Roles{Domains: []string{side.self, side.other},
			Evaluators: []string{"incidents@" + side.other}, Resolvers: []string{"incidents@" + side.other},
			Validators: []string{workflow.ReporterMember}}
	}
	a.handleAll(t, mailText("carol@a.example", "Printer jam", "ra@a.example", "", "It jams."))
	b.handleAll(t, mailText("dave@b.example", "Disk full", "rb@b.example", "", "It is full."))
	seen := map[*Processor]map[int64]bool{a: {}, b: {}}
	exchanged := 0
	for round := 0; ; round++ {
		if round > 200 {
			t.Fatal("the two instances are still mailing each other after 200 rounds")
		}
		moved := false
		for _, pair := range [][2]*Processor{{a, b}, {b, a}} {
			from, to := pair[0], pair[1]
			for _, o := range fresh(t, from, seen[from]) {
				if o.Recipient == to.Identity.Address() {
					exchanged++
					moved = true
					to.handleAll(t, stripped(from, o))
				}
			}
		}
		if !moved {
			break
		}
	}
	if exchanged < 4 || exchanged > 2*(30+10) {
		t.Fatalf("%d mails exchanged, want a loop that the limits stop (at most %d)", exchanged, 2*(30+10))
	}
	for _, p := range []*Processor{a, b} {
		if incs, _, _ := p.snapshot(t); incs[0].State != workflow.Reported {
			t.Fatalf("%s: INC-1 moved to %s", p.Identity.Address(), incs[0].State)
		}
	}
}

// TestSenderLimit: answers to one sender stop at the hourly limit, and the
// mails are handled all the same.
func TestSenderLimit(t *testing.T) {
	p := newProcessor(t)
	frozen(p)
	p.Limits.RepliesPerSenderHour = 3
	for i := range 5 {
		p.handleAll(t, mailText("mallory@elsewhere.org", "Offer", fmt.Sprintf("m%d@elsewhere.org", i), "", "buy"))
	}
	_, _, out := p.snapshot(t)
	if len(out) != 3 {
		t.Fatalf("%d refusals queued to one sender, want 3", len(out))
	}
}

// TestOwnMail: mail that is ours come back is never answered, however it
// returns: our loop marker, our Message-ID, our address with a token.
func TestOwnMail(t *testing.T) {
	p := newProcessor(t)
	reported(t, p, false)
	n := notice(t, p, 1, workflow.NoticeNew, "alice@example.com")
	_, _, before := p.snapshot(t)
	p.handleAll(t,
		mailText("alice@example.com", "Re: [INC-1] Printer jam", "l1@example.com", "", "ACCEPT", "X-Loop: Incidents@Example.com"),
		mailText("alice@example.com", "[INC-1] Printer jam", n.MessageID, "", "ACCEPT"),
		mailText(p.Identity.ReplyTo(n), "Re: [INC-1] Printer jam", "l3@example.com", "", "ACCEPT"),
	)
	incs, _, out := p.snapshot(t)
	if incs[0].State != workflow.Reported || len(out) != len(before) {
		t.Fatalf("our own mail had effects: state %s, %d new mails", incs[0].State, len(out)-len(before))
	}
}
