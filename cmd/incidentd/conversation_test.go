package main

import (
	"bytes"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	gomail "github.com/wneessen/go-mail"

	"incidentd/mailout/render/rendertest"
	"incidentd/workflow"
)

// TestConversation plays, through the demo servers, what people write
// and what each of them is told: a near-miss keyword, the notice of a
// reporter who has nothing to decide, a receipt, a salutation before a
// keyword, a reply after a rejection.
func TestConversation(t *testing.T) {
	w := startWorld(t, nil)
	c := w.client
	report := step{user: "carol", subject: "Login fails", text: "Sistema: Portal", expect: []string{"carol", "alice"}}
	if err := c.play(t.Context(), []step{report}); err != nil {
		t.Fatal(err)
	}

	// A near miss: kept as a comment; the sender is asked what they meant.
	if err := c.play(t.Context(), []step{{user: "alice", text: "Aceptado por mi parte", expect: []string{"carol", "alice"}}}); err != nil {
		t.Fatal(err)
	}
	if got := c.last["alice"].msg.Text; !strings.Contains(got, "¿Querías decir ACEPTAR?") || !strings.Contains(got, "Aceptado por mi parte") {
		t.Errorf("near miss answered with:\n%s", got)
	}
	// The reporter's notice of that comment lists no evaluator's command.
	if got := c.last["carol"].msg.Text; strings.Contains(got, "RECHAZAR") || !strings.Contains(got, "no hay nada que hacer") {
		t.Errorf("the reporter is offered commands that are not hers:\n%s", got)
	}
	if inc, _, _ := w.incident(t, 1); inc.State != workflow.Reported {
		t.Fatalf("a near miss moved the incident to %s", inc.State)
	}

	// ACEPTAR acts; the evaluator gets a receipt that says who is next.
	if err := c.play(t.Context(), []step{{user: "alice", text: "ACEPTAR", expect: []string{"carol", "bob", "alice"}}}); err != nil {
		t.Fatal(err)
	}
	if got := c.last["alice"].msg.Text; !strings.Contains(got, "la has aceptado") || !strings.Contains(got, "bob@example.com") {
		t.Errorf("the evaluator's receipt:\n%s", got)
	}

	// A salutation before the keyword: it acts.
	if err := c.play(t.Context(), []step{{user: "bob", text: "Hola,\n\nRESUELTO: reiniciado el servicio", expect: []string{"carol", "bob"}}}); err != nil {
		t.Fatal(err)
	}
	if inc, _, _ := w.incident(t, 1); inc.State != workflow.Resolved {
		t.Fatalf("RESUELTO after a salutation left the incident %s", inc.State)
	}

	// A reply after a rejection reaches the evaluator who rejected it.
	steps := []step{
		{user: "carol", subject: "Printer", text: "La impresora no imprime", expect: []string{"carol", "alice"}},
		{user: "alice", text: "RECHAZAR: es hardware", expect: []string{"carol", "alice"}},
		{user: "carol", text: "Pero el driver es software.", expect: []string{"alice", "carol"}},
	}
	if err := c.play(t.Context(), steps); err != nil {
		t.Fatal(err)
	}
	if got := c.last["alice"].msg.Text; !strings.Contains(got, "Pero el driver es software.") {
		t.Errorf("the evaluator was not told of the reply after the rejection:\n%s", got)
	}
	if got := c.last["carol"].msg.Text; !strings.Contains(got, "informa de uno nuevo") {
		t.Errorf("the reporter's receipt does not say how to report anew:\n%s", got)
	}
}

// TestMailtoButton follows the RECHAZAR button of the evaluator's notice
// as a mail client would: a new mail to the link's address, with its
// subject and its body, the reason written after the keyword.
func TestMailtoButton(t *testing.T) {
	w := startWorld(t, nil)
	c := w.client
	if err := c.play(t.Context(), []step{{user: "carol", subject: "Login fails", text: "Sistema: Portal", expect: []string{"carol", "alice"}}}); err != nil {
		t.Fatal(err)
	}
	_, parts := rendertest.Parse(t, c.last["alice"].raw)
	var link *url.URL
	for _, m := range regexp.MustCompile(`href="(mailto:[^"]+)"`).FindAllStringSubmatch(parts.HTML, -1) {
		u, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(u.Query().Get("body"), "RECHAZAR") {
			link = u
		}
	}
	if link == nil {
		t.Fatalf("no RECHAZAR button in:\n%s", parts.HTML)
	}
	q := link.Query()
	if q.Get("body") != "RECHAZAR: " || !strings.HasPrefix(q.Get("subject"), "Re: [INC-1]") || !strings.HasPrefix(link.Opaque, "incidents+") {
		t.Fatalf("button %s", link)
	}
	if err := sendNew(c, "alice", link.Opaque, q.Get("subject"), q.Get("body")+"duplicada de INC-0"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"carol", "alice"} {
		if _, err := c.await(t.Context(), u); err != nil {
			t.Fatal(err)
		}
	}
	if inc, events, _ := w.incident(t, 1); inc.State != workflow.Rejected || events[1].Text != "duplicada de INC-0" {
		t.Fatalf("the button's mail left %+v %v", inc, kinds(events))
	}
}

// sendNew mails text from user to rcpt as a new mail, as a mail client
// does with a mailto: link.
func sendNew(c *demoClient, user, rcpt, subject, text string) error {
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := m.From(demoAddr(user)); err != nil {
		return err
	}
	if err := m.To(rcpt); err != nil {
		return err
	}
	m.Subject(subject)
	m.SetBodyString(gomail.TypeTextPlain, text)
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return err
	}
	return c.sys.Send(demoAddr(user), []string{rcpt}, buf.Bytes())
}
