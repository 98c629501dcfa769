package render

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"incidentd/mailout/render/rendertest"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// sample is a realistic outbox row of one notice kind (and refusal reason).
type sample struct {
	name string
	out  store.Outgoing
	want map[string][]string // language → texts the plain-text body must hold
}

func outgoing(n workflow.Notice) store.Outgoing {
	return store.Outgoing{ID: 1, IncidentID: n.Incident.ID, MessageID: "n1.abc@example.com",
		Recipient: "dave@example.com", Notice: n, Date: t0, References: []string{"orig@mail.example.com"}}
}

func samples() []sample {
	inc := func(s workflow.State) workflow.Incident { return sampleIncident(12, s) }
	n := func(kind workflow.NoticeKind, s workflow.State, text string) workflow.Notice {
		return workflow.Notice{Kind: kind, Incident: inc(s), Actor: "alice@example.com", Text: text}
	}
	ack := n(workflow.NoticeAck, workflow.Reported, "")
	ack.Actor = "carol@example.com"
	ack.Incident.Priority = workflow.PriorityMedium
	ack.Assumed = []workflow.Assumption{{Field: "priority", Given: "cuando podáis", Used: "medium"}, {Field: "type", Used: "error"}}
	ack.Files = []workflow.File{{Name: "server log.txt", Size: 7}, {Name: "captura.png", Size: 1258291}}
	untitled := n(workflow.NoticeAck, workflow.Reported, "")
	untitled.Incident.Title = ""
	corrected := n(workflow.NoticeComment, workflow.Reported, "Prioridad: Alta\nSistema: Intranet")
	corrected.Changes = []workflow.Change{{Field: "priority", From: "medium", To: "high"}, {Field: "type", From: "error", To: "improvement"},
		{Field: "system", To: "Intranet"}}
	refused := func(r workflow.Refusal) workflow.Notice {
		x := workflow.Notice{Kind: workflow.NoticeRefused, Incident: inc(r.State), Actor: "eve@example.com",
			Refusal: &r, Subject: "Re: [INC-12] Login page returns 500"}
		return x
	}
	unknown := workflow.Notice{Kind: workflow.NoticeUnknown, Actor: "eve@example.com", Subject: "Re: [INC-999] Printer", Text: "INC-999"}
	outsider := workflow.Notice{Kind: workflow.NoticeRefused, Subject: "Printer on fire",
		Refusal: &workflow.Refusal{Reason: workflow.Outsider, WhoMay: []string{"*@example.com"}}}
	receipt := n(workflow.NoticeReceipt, workflow.InResolution, "Looking into it")
	receipt.Receipt = &workflow.Receipt{Event: workflow.EventAccepted, Next: []string{"bob@example.com"}}
	receiptCorrected := n(workflow.NoticeReceipt, workflow.Reported, "")
	receiptCorrected.Receipt = &workflow.Receipt{Event: workflow.EventUpdated, Next: []string{"alice@example.com"}}
	receiptCorrected.Changes = corrected.Changes
	nearMiss := n(workflow.NoticeNearMiss, workflow.Reported, "Aceptado por mi parte")
	nearMiss.NearMiss = &workflow.NearMiss{Written: "Aceptado", Meant: workflow.Accept, Line: "Aceptado por mi parte"}
	problems := n(workflow.NoticeFieldProblems, workflow.Reported, "")
	problems.Problems = []workflow.FieldProblem{{Label: "Prioridd", Value: "Alta", Unknown: true},
		{Label: "Prioridad", Value: "ya mismo", Field: "priority"}}
	quarantined := workflow.Notice{Kind: workflow.NoticeQuarantined, Actor: "eve@example.com",
		Subject: "Broken mail", Text: "The message is not valid MIME."}
	autoClosed := n(workflow.NoticeAutoClosed, workflow.Closed, "")
	autoClosed.Actor = "incidents@example.com"
	autoClosed.Overdue = &workflow.Overdue{Since: t0.Add(-15 * 24 * time.Hour), Waited: workflow.SecondsOf(15 * 24 * time.Hour),
		Deadline: workflow.SecondsOf(14 * 24 * time.Hour), Actors: []string{"carol@example.com"}}
	// The sender of a command without its role plays no role here, so
	// that the refusal lists none of the evaluators' commands.
	noRole := outgoing(refused(workflow.Refusal{Reason: workflow.NoRole, Verb: workflow.Accept, State: workflow.Reported,
		Role: workflow.Evaluator, WhoMay: []string{"alice@example.com", "*@example.org"}}))
	noRole.Recipient = "erin@partner.example"
	outsiderWatch := outgoing(refused(workflow.Refusal{Reason: workflow.NoRole, Verb: workflow.Watch, State: workflow.InResolution,
		WhoMay: []string{"*@example.com"}}))
	outsiderWatch.Recipient = "erin@partner.example"
	// Bob has the incident; dave, another resolver, is refused.
	taken := refused(workflow.Refusal{Reason: workflow.Taken, Verb: workflow.Resolve, State: workflow.InResolution,
		Role: workflow.Resolver, Assignee: "bob@example.com"})
	taken.Incident.Assignee = "bob@example.com"
	notAssignable := refused(workflow.Refusal{Reason: workflow.NotAssignable, Verb: workflow.Assign, State: workflow.InResolution,
		Role: workflow.Resolver, Assignee: "erin@partner.example", WhoMay: []string{"bob@example.com", "dave@example.com"}})
	handedOver := n(workflow.NoticeAssigned, workflow.InResolution, "")
	handedOver.Actor, handedOver.Event, handedOver.Incident.Assignee = "bob@example.com", workflow.EventAssigned, "dave@example.com"
	// The watcher's notices go to dave, who follows the incident.
	watcher := func(ev workflow.EventKind, s workflow.State, text string) workflow.Notice {
		x := n(workflow.NoticeWatcher, s, text)
		x.Event, x.Incident.Watchers = ev, []string{"dave@example.com"}
		return x
	}
	watcherCorrected := watcher(workflow.EventUpdated, workflow.Reported, "Prioridad: Alta")
	watcherCorrected.Actor, watcherCorrected.Changes = "carol@example.com", corrected.Changes[:1]
	return []sample{
		{"ack", outgoing(ack), map[string][]string{"es": {"Prioridad: Media (escribiste «cuando podáis»)", "Prioridad: Alta", "Pasos para recrear el error", "server log.txt (7 bytes)", "captura.png (1,2 MB)"},
			"en": {"Priority: Medium (you wrote", "cuando podáis", "Priority: High", "captura.png (1.2 MB)"}}},
		{"new", outgoing(n(workflow.NoticeNew, workflow.Reported, "")), map[string][]string{"es": {"ACEPTAR [nota opcional]", "RECHAZAR: motivo", "ACCEPT, REJECT"}, "en": {"ACCEPT [optional note]", "REJECT: reason", "ACEPTAR, RECHAZAR"}}},
		{"accepted", outgoing(n(workflow.NoticeAccepted, workflow.InResolution, "Looking into it")), map[string][]string{"es": {"en resolución", "Looking into it"}, "en": {"being resolved"}}},
		{"assigned", outgoing(n(workflow.NoticeAssigned, workflow.InResolution, "")), map[string][]string{"es": {"RESUELTO: qué se hizo", "INFO: tu pregunta", "RECHAZAR: motivo"}, "en": {"RESOLVED: what was done", "INFO: your question"}}},
		{"rejected", outgoing(n(workflow.NoticeRejected, workflow.Rejected, "Duplicate of INC-3")), map[string][]string{"es": {"Duplicate of INC-3", "rechazada"}, "en": {"Duplicate of INC-3", "rejected"}}},
		{"info_request", outgoing(n(workflow.NoticeInfoRequest, workflow.InfoRequested, "Which browser?")), map[string][]string{"es": {"Which browser?", "sin ninguna palabra clave"}, "en": {"Which browser?", "no keyword"}}},
		{"info_answer", outgoing(n(workflow.NoticeInfoAnswer, workflow.InResolution, "Firefox 128")), map[string][]string{"es": {"Firefox 128", "RESUELTO"}, "en": {"Firefox 128", "RESOLVED"}}},
		{"resolved", outgoing(n(workflow.NoticeResolved, workflow.Resolved, "Restarted the auth service")), map[string][]string{"es": {"CONFIRMAR", "REABRIR: motivo", "CONFIRM, REOPEN"}, "en": {"CONFIRM", "REOPEN: reason", "CONFIRMAR, REABRIR"}}},
		{"resolved-closed", outgoing(n(workflow.NoticeResolved, workflow.Closed, "Restarted the auth service")), map[string][]string{"es": {"que queda cerrada", "no hace falta confirmar"}, "en": {"which is now closed", "needs no confirmation"}}},
		{"auto_closed", outgoing(autoClosed), map[string][]string{"es": {"en 14 días, el plazo fijado, nadie ha confirmado", "queda cerrada", "informa de uno nuevo"},
			"en": {"in 14 days, the time allowed, nobody confirmed", "it is now closed", "report it again"}}},
		{"reopened", outgoing(n(workflow.NoticeReopened, workflow.InResolution, "Still failing")), map[string][]string{"es": {"Still failing", "RESUELTO"}, "en": {"Still failing", "RESOLVED"}}},
		{"closed", outgoing(n(workflow.NoticeClosed, workflow.Closed, "")), map[string][]string{"es": {"cerrada"}, "en": {"closed"}}},
		{"comment", outgoing(n(workflow.NoticeComment, workflow.Resolved, "Works for me now")), map[string][]string{"es": {"Works for me now", "CONFIRMAR"}, "en": {"Works for me now", "CONFIRM"}}},
		{"comment-final", outgoing(n(workflow.NoticeComment, workflow.Closed, "Thanks!")), map[string][]string{"es": {"ya no cambiará", "informa de uno nuevo"}, "en": {"will not change", "report a new one"}}},
		{"refused-not_now", outgoing(refused(workflow.Refusal{Reason: workflow.NotNow, Verb: workflow.Confirm, State: workflow.InResolution})), map[string][]string{"es": {"CONFIRMAR no vale ahora", "en resolución", "RESUELTO: qué se hizo"}, "en": {"CONFIRM does not fit now", "being resolved", "RESOLVED: what was done"}}},
		{"refused-final", outgoing(refused(workflow.Refusal{Reason: workflow.NotNow, Verb: workflow.Reopen, State: workflow.Closed})),
			map[string][]string{"es": {"REABRIR no vale ahora", "ya no cambiará"}, "en": {"REOPEN does not fit now", "will not change"}}},
		{"refused-no_role", noRole, map[string][]string{"es": {"evaluadores", "alice@example.com", "*@example.org"}, "en": {"evaluators", "alice@example.com"}}},
		{"refused-reason_required", outgoing(refused(workflow.Refusal{Reason: workflow.ReasonRequired, Verb: workflow.Reject, State: workflow.Reported})),
			map[string][]string{"es": {"RECHAZAR: motivo"}, "en": {"REJECT: reason"}}},
		{"refused-conflict", outgoing(refused(workflow.Refusal{Reason: workflow.Conflict, Verb: workflow.Accept, Other: workflow.Reject, State: workflow.Reported})),
			map[string][]string{"es": {"ACEPTAR y RECHAZAR", "ACEPTAR [nota opcional]"}, "en": {"ACCEPT and REJECT"}}},
		{"refused-outsider", outgoing(outsider), map[string][]string{"es": {"no se ha registrado", "solo la organización"}, "en": {"not been registered", "only the organization"}}},
		{"unknown", outgoing(unknown), map[string][]string{"es": {"INC-999, que no existe", "incidents@example.com"}, "en": {"INC-999, that does not exist"}}},
		{"receipt", outgoing(receipt), map[string][]string{"es": {"la has aceptado", "en resolución", "bob@example.com", "RESUELTO: qué se hizo"}, "en": {"you accepted it", "bob@example.com"}}},
		{"receipt-corrected", outgoing(receiptCorrected), map[string][]string{"es": {"has corregido sus datos", "Prioridad: Media → Alta", "Sistema: — → Intranet"},
			"en": {"you corrected its details", "Priority: Medium → High", "System: — → Intranet"}}},
		{"near_miss", outgoing(nearMiss), map[string][]string{"es": {"Aceptado por mi parte", "¿Querías decir ACEPTAR?", "comentario", "RECHAZAR: motivo"}, "en": {"Aceptado por mi parte", "Did you mean ACCEPT?", "comment"}}},
		{"field_problems", outgoing(problems), map[string][]string{"es": {"Prioridd: Alta", "se pueden corregir: Tipo, Prioridad, Sistema", "valen: Crítica, Alta, Media, Baja", "no hemos corregido ningún dato"},
			"en": {"Prioridd: Alta", "these may be corrected: Type, Priority, System", "write one of: Critical, High, Medium, Low"}}},
		{"quarantined", outgoing(quarantined), map[string][]string{"es": {"guardado", "The message is not valid MIME."}, "en": {"kept it aside"}}},
		{"ack-untitled", outgoing(untitled), map[string][]string{"es": {"(sin asunto)"}, "en": {"(no subject)"}}},
		{"comment-corrected", outgoing(corrected), map[string][]string{"es": {"Prioridad: Media → Alta", "Tipo: Error → Mejora", "Sistema: — → Intranet", "Y ha escrito"},
			"en": {"Priority: Medium → High", "Type: Bug → Improvement", "System: — → Intranet", "And wrote"}}},
		{"watcher", outgoing(watcher(workflow.EventAccepted, workflow.InResolution, "Looking into it")),
			map[string][]string{"es": {"Sigues la incidencia INC-12", "alice@example.com la ha aceptado", "Looking into it", "RESUELTO: qué se hizo", "DEJAR", "dejas de seguirla", "UNWATCH"},
				"en": {"You follow incident INC-12", "alice@example.com has accepted it", "being resolved", "UNWATCH", "you stop following it", "DEJAR"}}},
		{"watcher-corrected", outgoing(watcherCorrected),
			map[string][]string{"es": {"carol@example.com ha corregido sus datos", "Prioridad: Media → Alta", "DEJAR"},
				"en": {"carol@example.com has corrected its details", "Priority: Medium → High", "UNWATCH"}}},
		{"refused-watch", outsiderWatch, map[string][]string{"es": {"SEGUIR solo lo pueden usar las direcciones de la organización", "*@example.com"},
			"en": {"only the organization's addresses may use WATCH", "*@example.com"}}},
		{"refused-taken", outgoing(taken), map[string][]string{
			"es": {"está asignada a bob@example.com", "solo esa persona puede usar RESUELTO", "Asignar:"},
			"en": {"is assigned to bob@example.com", "only they may use RESOLVED", "Assign:"}}},
		{"refused-not_assignable", outgoing(notAssignable), map[string][]string{
			"es": {"«erin@partner.example» no es uno de los resolutores", "No ha cambiado nada", "dave@example.com"},
			"en": {"erin@partner.example", "is not one of the resolvers", "Nothing has changed", "dave@example.com"}}},
		{"assigned-handed", outgoing(handedOver), map[string][]string{
			"es": {"bob@example.com te ha pasado la incidencia INC-12: te toca resolverla", "RESUELTO"},
			"en": {"bob@example.com has handed incident INC-12 to you: it is yours to resolve", "RESOLVED"}}},
		{"watcher-closed", outgoing(watcher(workflow.EventConfirmed, workflow.Closed, "")),
			map[string][]string{"es": {"ha confirmado la solución y queda cerrada", "ya no cambiará"},
				"en": {"has confirmed the solution and it is closed", "will not change"}}},
	}
}

// TestEveryKindRenders renders every notice kind in both languages and
// checks what the reader is told: the subject, and in both bodies the
// texts that say what happened and what to reply.
func TestEveryKindRenders(t *testing.T) {
	kinds := map[workflow.NoticeKind]bool{}
	for _, s := range samples() {
		kinds[s.out.Notice.Kind] = true
	}
	for _, lang := range []string{"es", "en"} {
		r, err := NewRenderer(Options{Language: lang, TemplateDir: "", From: testFrom, Roles: testRoles})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range samples() {
			t.Run(lang+"/"+s.name, func(t *testing.T) {
				subject, p := renderParts(t, r, s.out)
				wantPrefix := "[INC-12] "
				if s.out.Notice.Subject != "" {
					wantPrefix = "Re: " // a reply to the mail that named no incident or was refused
				}
				if !strings.HasPrefix(subject, wantPrefix) || len(subject) < len(wantPrefix)+5 {
					t.Errorf("subject %q, want it to start with %q", subject, wantPrefix)
				}
				for _, body := range []string{p.Text, p.HTML} {
					if strings.Contains(body, "<no value>") || strings.Contains(body, "{{") || strings.Contains(body, "%!") {
						t.Errorf("template residue in body:\n%s", body)
					}
				}
				for _, want := range s.want[lang] {
					if !strings.Contains(p.Text, want) {
						t.Errorf("text body lacks %q:\n%s", want, p.Text)
					}
					if !strings.Contains(rendertest.HTMLText(p.HTML), want) {
						t.Errorf("html body lacks %q:\n%s", want, p.HTML)
					}
				}
				if os.Getenv("MAILOUT_DUMP") != "" {
					fmt.Printf("==== %s %s\nSubject: %s\n%s\n%s\n", lang, s.name, subject, p.Text, p.HTML)
				}
			})
		}
	}
	all := []workflow.NoticeKind{workflow.NoticeAck, workflow.NoticeNew, workflow.NoticeAccepted, workflow.NoticeAssigned,
		workflow.NoticeRejected, workflow.NoticeInfoRequest, workflow.NoticeInfoAnswer, workflow.NoticeResolved,
		workflow.NoticeReopened, workflow.NoticeClosed, workflow.NoticeComment, workflow.NoticeRefused,
		workflow.NoticeUnknown, workflow.NoticeQuarantined, workflow.NoticeReceipt, workflow.NoticeNearMiss, workflow.NoticeAutoClosed, workflow.NoticeWatcher,
		workflow.NoticeFieldProblems}
	for _, k := range all {
		if !kinds[k] {
			t.Errorf("no sample of notice kind %s", k)
		}
	}
}

func TestRenderHeaders(t *testing.T) {
	r, err := NewRenderer(Options{Language: "en", TemplateDir: "", From: testFrom, Roles: testRoles})
	if err != nil {
		t.Fatal(err)
	}
	o := samples()[1].out // new
	o.References = []string{"first@mail.example.com", "second@incidents.example.com"}
	data, err := r.Render(o, "incidents+tok123@example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	mr, _ := rendertest.Parse(t, data)
	h := mr.Header
	if from, err := h.AddressList("From"); err != nil || len(from) != 1 || from[0].Address != "incidents@example.com" || from[0].Name != "Incidents" {
		t.Errorf("From = %v, %v", from, err)
	}
	if to, err := h.AddressList("To"); err != nil || len(to) != 1 || to[0].Address != "dave@example.com" {
		t.Errorf("To = %v, %v", to, err)
	}
	if rt, err := h.AddressList("Reply-To"); err != nil || len(rt) != 1 || rt[0].Address != "incidents+tok123@example.com" {
		t.Errorf("Reply-To = %v, %v", rt, err)
	}
	if s, _ := h.Subject(); s != "[INC-12] Login page returns 500 — waiting for evaluation" {
		t.Errorf("Subject = %q", s)
	}
	if id, err := h.MessageID(); err != nil || id != "n1.abc@example.com" {
		t.Errorf("Message-ID = %q, %v", id, err)
	}
	if d, err := h.Date(); err != nil || !d.Equal(t0) {
		t.Errorf("Date = %v, %v", d, err)
	}
	if ids, err := h.MsgIDList("In-Reply-To"); err != nil || len(ids) != 1 || ids[0] != "second@incidents.example.com" {
		t.Errorf("In-Reply-To = %v, %v", ids, err)
	}
	if ids, err := h.MsgIDList("References"); err != nil || strings.Join(ids, " ") != "first@mail.example.com second@incidents.example.com" {
		t.Errorf("References = %v, %v", ids, err)
	}
	if v := h.Get("Auto-Submitted"); v != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", v)
	}
	if v := h.Get("X-Loop"); v != "incidents@example.com" {
		t.Errorf("X-Loop = %q", v)
	}

	// Without a Reply-To of its own, replies go to the From address.
	data, err = r.Render(o, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	mr, _ = rendertest.Parse(t, data)
	if rt, err := mr.Header.AddressList("Reply-To"); err != nil || len(rt) != 1 || rt[0].Address != "incidents@example.com" {
		t.Errorf("default Reply-To = %v, %v", rt, err)
	}
}

func TestRenderEscapesHTML(t *testing.T) {
	r, err := NewRenderer(Options{Language: "es", TemplateDir: "", From: testFrom, Roles: testRoles})
	if err != nil {
		t.Fatal(err)
	}
	n := workflow.Notice{Kind: workflow.NoticeComment, Incident: sampleIncident(12, workflow.InResolution),
		Actor: "mallory@example.com", Text: `<script>alert("x")</script> & <b>bold</b>`}
	n.Incident.Title = `<img src=x onerror=alert(1)>`
	data, err := r.Render(outgoing(n), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, p := rendertest.Parse(t, data)
	for _, bad := range []string{"<script", "<img", "<b>bold"} {
		if strings.Contains(p.HTML, bad) {
			t.Errorf("HTML body holds %q unescaped:\n%s", bad, p.HTML)
		}
	}
	if !strings.Contains(p.HTML, "&lt;script&gt;") {
		t.Errorf("HTML body lacks the escaped comment:\n%s", p.HTML)
	}
	if !strings.Contains(p.Text, `<script>alert("x")</script>`) {
		t.Errorf("text body should keep the comment as written:\n%s", p.Text)
	}
}

func TestRenderAttachments(t *testing.T) {
	r, err := NewRenderer(Options{Language: "en", TemplateDir: "", From: testFrom, Roles: testRoles})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"screenshot.png": "\x89PNG fake image", "server log.txt": "line 1\nline 2\n"}
	var atts []Attached
	for _, name := range []string{"screenshot.png", "server log.txt"} {
		content := files[name]
		atts = append(atts, Attached{
			Attachment: store.Attachment{Filename: name, ContentType: "application/octet-stream", Size: int64(len(content))},
			Open:       func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(content)), nil },
		})
	}
	data, err := r.Render(samples()[1].out, "", atts)
	if err != nil {
		t.Fatal(err)
	}
	_, p := rendertest.Parse(t, data)
	for name, content := range files {
		if got, ok := p.Attachments[name]; !ok || got != content {
			t.Errorf("attachment %q = %q (present %v), want %q", name, got, ok, content)
		}
		if !strings.Contains(p.Text, name) {
			t.Errorf("text body does not list %q", name)
		}
	}
}

func TestTemplateOverride(t *testing.T) {
	dir := t.TempDir()
	override := `{{define "subject"}}Custom {{.Incident.Title}}{{end}}Custom body for {{.Tag}}: {{keyword "accept"}}`
	if err := os.WriteFile(filepath.Join(dir, "new.en.txt"), []byte(override), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := NewRenderer(Options{Language: "en", TemplateDir: dir, From: testFrom, Roles: testRoles})
	if err != nil {
		t.Fatal(err)
	}
	data, err := r.Render(samples()[1].out, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	mr, p := rendertest.Parse(t, data)
	if s, _ := mr.Header.Subject(); s != "[INC-12] Custom Login page returns 500" {
		t.Errorf("Subject = %q", s)
	}
	if strings.TrimSpace(p.Text) != "Custom body for INC-12: ACCEPT" {
		t.Errorf("text body = %q", p.Text)
	}
	if !strings.Contains(p.HTML, "ACCEPT [optional note]") {
		t.Errorf("the embedded HTML template should still be used:\n%s", p.HTML)
	}
	// Every other notice keeps its own subject, the one it has without
	// the override.
	plain, err := NewRenderer(Options{Language: "en", From: testFrom, Roles: testRoles})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range samples() {
		if s.out.Notice.Kind == workflow.NoticeNew {
			continue
		}
		got, _ := renderParts(t, r, s.out)
		want, _ := renderParts(t, plain, s.out)
		if got != want {
			t.Errorf("%s: Subject = %q with new's override, %q without", s.name, got, want)
		}
	}
}

func TestBrokenOverrideNamesFile(t *testing.T) {
	for name, text := range map[string]string{
		"ack.es.html":   `{{template "top" .}}{{if}}`,
		"words.es.tmpl": `{{define "state"}}{{end`,
		"new.es.txt":    `no subject here`,
		// The notices share the common and words templates: one notice
		// may not redefine them for all.
		"closed.es.txt":    `{{define "subject"}}x{{end}}{{define "footer"}}mine{{end}}body`,
		"resolved.es.html": `{{define "top"}}{{end}}body`,
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := NewRenderer(Options{Language: "es", TemplateDir: dir, From: testFrom, Roles: testRoles})
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, name)) {
			t.Errorf("override %s: error %v, want one naming the file", name, err)
		}
	}
}

// TestRenderIsCanonical: whatever line ends the texts of an incident
// hold, the mail's lines all end in CRLF and no CR or LF stands alone,
// as a mail sent with BDAT, unchanged, must be.
func TestRenderIsCanonical(t *testing.T) {
	r, err := NewRenderer(Options{Language: "en", TemplateDir: "", From: testFrom, Roles: testRoles})
	if err != nil {
		t.Fatal(err)
	}
	n := workflow.Notice{Kind: workflow.NoticeComment, Incident: sampleIncident(12, workflow.InResolution),
		Actor: "carol@example.com", Text: "one\rtwo\n\rthree\r\r\nfour\n\nfive\r"}
	n.Incident.Description = "a\rb\n" + strings.Repeat("long line ", 200) + "\r\n\r"
	n.Incident.Title = "title\rwith\nbreaks"
	atts := []Attached{{Attachment: store.Attachment{Filename: "log.txt", ContentType: "text/plain", Size: 9},
		Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("a\rb\nc\r\nd")), nil }}}
	for _, eightBit := range []bool{false, true} {
		var b bytes.Buffer
		if err := r.RenderTo(&b, outgoing(n), "", atts, eightBit); err != nil {
			t.Fatal(err)
		}
		data := b.Bytes()
		for i, c := range data {
			if c == '\r' && (i+1 == len(data) || data[i+1] != '\n') || c == '\n' && (i == 0 || data[i-1] != '\r') {
				t.Fatalf("8-bit %v: a lone %q at byte %d: %q", eightBit, c, i, data[max(0, i-40):min(len(data), i+40)])
			}
		}
		if !bytes.HasSuffix(data, []byte("\r\n")) {
			t.Errorf("8-bit %v: the mail does not end with CRLF: %q", eightBit, data[max(0, len(data)-20):])
		}
	}
}

// TestEightBitBodies: for a server that takes 8-bit data, bodies go as
// they are, with the same text as quoted-printable gives; a body with a
// line too long for 8-bit data, or a lone CR, stays quoted-printable.
func TestEightBitBodies(t *testing.T) {
	r, err := NewRenderer(Options{Language: "es", TemplateDir: "", From: testFrom, Roles: testRoles})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, text string
		want       string
	}{
		{"short lines", "Ya está: era la caché.\nGracias.", "8bit"},
		{"a long line", strings.Repeat("x", 1200), "quoted-printable"},
		{"a lone CR", "uno\rdos", "quoted-printable"},
	} {
		n := workflow.Notice{Kind: workflow.NoticeComment, Incident: sampleIncident(12, workflow.InResolution),
			Actor: "carol@example.com", Text: c.text}
		var qp, eight bytes.Buffer
		if err := r.RenderTo(&qp, outgoing(n), "", nil, false); err != nil {
			t.Fatal(err)
		}
		if err := r.RenderTo(&eight, outgoing(n), "", nil, true); err != nil {
			t.Fatal(err)
		}
		if got := bytes.Count(eight.Bytes(), []byte("Content-Transfer-Encoding: "+c.want+"\r\n")); got != 2 {
			t.Errorf("%s: %d bodies in %s, want 2", c.name, got, c.want)
		}
		_, pq := rendertest.Parse(t, qp.Bytes())
		_, p8 := rendertest.Parse(t, eight.Bytes())
		if pq.Text != p8.Text || pq.HTML != p8.HTML {
			t.Errorf("%s: 8-bit bodies differ from quoted-printable ones:\n%q\n%q", c.name, p8.Text, pq.Text)
		}
	}
}

// Mail as the transaction that queued it lists it (what the dispatcher is
// offered) renders as the same mail read back from the outbox.
func TestOfferedMailIsTheMailReadBack(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, "incidentd.db"), filepath.Join(dir, "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var queued []store.Outgoing
	err = st.Update(ctx, func(tx *store.Tx) error {
		for i, s := range samples() {
			o := s.out
			o.IncidentID, o.MessageID = 0, fmt.Sprintf("n%d@example.com", i)
			if err := tx.Enqueue(o); err != nil {
				return err
			}
		}
		queued = tx.Queued()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	read, err := st.Due(ctx, t0.Add(time.Hour), store.Outgoing{}, 100, nil)
	if err != nil || len(read) != len(queued) {
		t.Fatalf("read back %d of %d mails: %v", len(read), len(queued), err)
	}
	for _, lang := range []string{"en", "es"} {
		r, err := NewRenderer(Options{Language: lang, TemplateDir: "", From: testFrom, Roles: testRoles})
		if err != nil {
			t.Fatal(err)
		}
		for i := range queued {
			for _, eightBit := range []bool{false, true} {
				var offered, back bytes.Buffer
				if err := r.RenderTo(&offered, queued[i], "", nil, eightBit); err != nil {
					t.Fatal(err)
				}
				if err := r.RenderTo(&back, read[i], "", nil, eightBit); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(stable(offered.Bytes()), stable(back.Bytes())) {
					t.Errorf("%s %s: the mail offered differs from the mail read back:\n%s\n---\n%s",
						lang, queued[i].Notice.Kind, offered.Bytes(), back.Bytes())
				}
			}
		}
	}
}

// TestResolveSaysWhatFollows: the resolvers' instructions say what
// RESOLVED leads to: the reporter's confirmation, or, without a validation
// stage, the incident closed at once.
func TestResolveSaysWhatFollows(t *testing.T) {
	for _, c := range []struct {
		lang         string
		noValidation bool
		want, not    string
	}{
		{"es", false, "quien la informó la confirmará", "queda cerrada"},
		{"es", true, "la das por resuelta y queda cerrada", "confirmará"},
		{"en", false, "the reporter will confirm it", "it is closed"},
		{"en", true, "you mark it resolved and it is closed", "will confirm"},
	} {
		roles := testRoles
		roles.NoValidation = c.noValidation
		r, err := NewRenderer(Options{Language: c.lang, From: testFrom, Roles: roles})
		if err != nil {
			t.Fatal(err)
		}
		o := outgoing(workflow.Notice{Kind: workflow.NoticeAssigned, Incident: sampleIncident(12, workflow.InResolution), Actor: "alice@example.com"})
		o.Recipient = "bob@example.com"
		_, p := renderParts(t, r, o)
		for part, body := range map[string]string{"text": p.Text, "html": rendertest.HTMLText(p.HTML)} {
			if !strings.Contains(body, c.want) || strings.Contains(body, c.not) {
				t.Errorf("%s, no validation %v, %s body: want %q and not %q:\n%s", c.lang, c.noValidation, part, c.want, c.not, body)
			}
		}
	}
}
