package mailin

import (
	"bytes"
	"strings"
	"testing"

	"incidentd/mailin/parse"
	"incidentd/workflow"
	"incidentd/workflow/store"
	"incidentd/workflow/token"
)

// notice finds the newest queued mail of kind about incident to rcpt.
func notice(t *testing.T, p *Processor, incident int64, kind workflow.NoticeKind, rcpt string) store.Outgoing {
	t.Helper()
	_, _, out := p.snapshot(t)
	for _, o := range out {
		if o.IncidentID == incident && o.Notice.Kind == kind && o.Recipient == rcpt {
			return o
		}
	}
	t.Fatalf("no %s notice about INC-%d to %s in %+v", kind, incident, rcpt, out)
	return store.Outgoing{}
}

// replyTo is the reply a mail client writes to o: to its Reply-To address
// (the token sub-address), threaded after it. to, when set, replaces the
// recipient address; the other headers are extra lines.
func replyTo(p *Processor, o store.Outgoing, from, id, body, to string, extra ...string) []byte {
	if to == "" {
		to = p.Identity.ReplyTo(o)
	}
	raw := mailText(from, "Re: [INC-1] Printer jam", id, o.MessageID, body, extra...)
	return []byte(strings.Replace(string(raw), "To: incidents@example.com", "To: "+to, 1))
}

// reported starts a test with carol's report INC-1 (and, when two, INC-2).
func reported(t *testing.T, p *Processor, two bool) {
	t.Helper()
	p.handleAll(t, mailText("carol@example.com", "Printer jam", "r1@example.com", "", "It jams."))
	if two {
		p.handleAll(t, mailText("carol@example.com", "Scanner jam", "r2@example.com", "", "It jams too."))
	}
}

// expectRefused checks that the mail changed nothing and that its only
// effect is one refusal of reason to rcpt.
func expectRefused(t *testing.T, p *Processor, before int, reason workflow.RefusalReason, rcpt string) {
	t.Helper()
	incs, events, out := p.snapshot(t)
	for _, inc := range incs {
		if inc.State != workflow.Reported {
			t.Fatalf("INC-%d moved to %s", inc.ID, inc.State)
		}
	}
	if len(events) != len(incs) {
		t.Fatalf("history grew: %+v", events)
	}
	if len(out) != before+1 {
		t.Fatalf("%d mails queued, want one refusal", len(out)-before)
	}
	r := out[0]
	if r.Notice.Kind != workflow.NoticeRefused || r.Recipient != rcpt || r.Notice.Refusal == nil || r.Notice.Refusal.Reason != reason {
		t.Fatalf("reply %s to %s (%+v), want a %s refusal to %s", r.Notice.Kind, r.Recipient, r.Notice.Refusal, reason, rcpt)
	}
}

// TestTokenPolicy sends the forgeries of SPEC §5 under the default token
// policy: each changes nothing and its sender is told how to act.
func TestTokenPolicy(t *testing.T) {
	cases := []struct {
		name string
		mail func(p *Processor) []byte
	}{
		{"forged From, no token", func(p *Processor) []byte {
			return mailText("alice@example.com", "Re: [INC-1] Printer jam", "f1@evil.example", "", "ACCEPT")
		}},
		{"forged From, threaded but no token", func(p *Processor) []byte {
			return mailText("alice@example.com", "Re: [INC-1] Printer jam", "f1@evil.example", "r1@example.com", "ACCEPT")
		}},
		{"token for another incident", func(p *Processor) []byte {
			other := notice(t, p, 2, workflow.NoticeNew, "alice@example.com")
			return mailText("alice@example.com", "Re: [INC-1] Printer jam", "f2@example.com", "", "ACCEPT",
				"Cc: "+p.Identity.ReplyTo(other))
		}},
		{"token for another recipient", func(p *Processor) []byte {
			ack := notice(t, p, 1, workflow.NoticeAck, "carol@example.com")
			return replyTo(p, ack, "alice@example.com", "f3@example.com", "ACCEPT", "")
		}},
		{"altered token", func(p *Processor) []byte {
			n := notice(t, p, 1, workflow.NoticeNew, "alice@example.com")
			tok, _ := token.FromMessageID(n.MessageID, "example.com")
			bad := tok[:len(tok)-1] + map[bool]string{true: "b", false: "a"}[strings.HasSuffix(tok, "a")]
			raw := mailText("alice@example.com", "Re: [INC-1] Printer jam", "f4@example.com", "", "ACCEPT")
			return []byte(strings.Replace(string(raw), "To: incidents@example.com", "To: "+token.Address(p.Identity.Address(), bad), 1))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newProcessor(t)
			reported(t, p, true)
			_, _, before := p.snapshot(t)
			p.handleAll(t, tc.mail(p))
			expectRefused(t, p, len(before), workflow.Unauthenticated, "alice@example.com")
		})
	}
}

// TestTokenReply: a reply to the notification itself moves the incident,
// through the Reply-To sub-address or, when a server dropped it, through
// In-Reply-To alone; the match says "token".
func TestTokenReply(t *testing.T) {
	for _, dropSubaddress := range []bool{false, true} {
		p := newProcessor(t)
		reported(t, p, false)
		n := notice(t, p, 1, workflow.NoticeNew, "alice@example.com")
		to := ""
		if dropSubaddress {
			to = "INCIDENTS@example.com"
		}
		raw := replyTo(p, n, "Alice <ALICE@example.com>", "ok@example.com", "Acepto", to)
		msg, err := parse.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		var m matchResult
		err = p.Store.View(t.Context(), func(tx *store.Tx) error {
			m, err = match(tx, msg, p.tokenIncidents(msg, readTrace(bytes.NewReader(raw))))
			return err
		})
		if err != nil || m.id != 1 || m.by != "token" || !m.token {
			t.Fatalf("sub-address dropped %v: match %+v (%v)", dropSubaddress, m, err)
		}
		p.handleAll(t, raw)
		if incs, _, _ := p.snapshot(t); incs[0].State != workflow.InResolution {
			t.Fatalf("sub-address dropped %v: state %s", dropSubaddress, incs[0].State)
		}
	}
}

// TestNoRole: a keyword from someone without the role, with a valid token
// of their own, changes nothing and the reply names who may act.
func TestNoRole(t *testing.T) {
	p := newProcessor(t)
	reported(t, p, false)
	_, _, before := p.snapshot(t)
	ack := notice(t, p, 1, workflow.NoticeAck, "carol@example.com")
	p.handleAll(t, replyTo(p, ack, "carol@example.com", "c1@example.com", "ACEPTAR", ""))
	expectRefused(t, p, len(before), workflow.NoRole, "carol@example.com")
	_, _, out := p.snapshot(t)
	if r := out[0].Notice.Refusal; r.Role != workflow.Evaluator || len(r.WhoMay) != 1 || r.WhoMay[0] != "alice@example.com" {
		t.Fatalf("refusal names %+v", r)
	}
}

// TestUnauthenticatedComment: a reply without a keyword and without a
// token is kept as a comment marked unauthenticated; it does not answer an
// information request.
func TestUnauthenticatedComment(t *testing.T) {
	p := newProcessor(t)
	reported(t, p, false)
	p.handleAll(t, replyTo(p, notice(t, p, 1, workflow.NoticeNew, "alice@example.com"), "alice@example.com", "a@example.com", "ACCEPT", ""))
	p.handleAll(t, replyTo(p, notice(t, p, 1, workflow.NoticeAssigned, "bob@example.com"), "bob@example.com", "b@example.com", "INFO: which printer?", ""))
	p.handleAll(t, mailText("alice@example.com", "Re: [INC-1] Printer jam", "forged@example.com", "", "The one on floor 2.\nPrioridad: Baja"))
	incs, events, _ := p.snapshot(t)
	last := events[len(events)-1]
	if incs[0].State != workflow.InfoRequested || incs[0].Priority != workflow.PriorityMedium {
		t.Fatalf("an unauthenticated mail moved or corrected the incident: %+v", incs[0])
	}
	if last.Kind != workflow.EventComment || !strings.HasPrefix(last.Text, "[unauthenticated] The one on floor 2.") {
		t.Fatalf("last event %+v", last)
	}
}
