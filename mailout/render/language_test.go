package render

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentd/mailout/render/rendertest"
	"incidentd/templates"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// TestOneLanguagePerMail renders every notice kind with a rich sample (a
// report with assumptions and files, corrections, refusals, files not
// kept, a reminder, an escalation, a digest), the incident written in the
// mail's language, and fails when the subject, the text or the HTML names
// a state, type, priority, field, role, figure or rejection reason in the
// other language, or a stored value ("in_resolution", "priority") as it is.
func TestOneLanguagePerMail(t *testing.T) {
	for lang, other := range map[string]string{"es": "en", "en": "es"} {
		r, err := NewRenderer(Options{Language: lang, From: testFrom, Roles: testRoles})
		if err != nil {
			t.Fatal(err)
		}
		foreign := foreignWords(t, lang, other)
		for _, s := range richSamples(lang) {
			t.Run(lang+"/"+s.name, func(t *testing.T) {
				subject, p := renderParts(t, r, s.out)
				for part, text := range map[string]string{"subject": subject, "text": p.Text, "html": rendertest.HTMLText(p.HTML)} {
					for _, w := range foreign {
						if w.re.MatchString(text) {
							t.Errorf("the %s part says %q, not %s:\n%s", part, w.word, lang, text)
						}
					}
				}
			})
		}
	}
}

// foreignWord is a word of the other language, and how to find it.
type foreignWord struct {
	word string
	re   *regexp.Regexp
}

// sameInBoth are words both languages write alike, or that the mails of
// either may hold on purpose: the keyword INFO, "Error" (a type in both),
// "error" (of "Pasos para recrear el error"), "resolver" (a role's value,
// and the Spanish "to resolve").
var sameInBoth = []string{"Error", "error", "info", "INFO", "resolver", "—"}

// foreignWords are the words of other's word lists (see words.<lang>.tmpl)
// that lang's do not share, and the stored values those lists translate.
func foreignWords(t *testing.T, lang, other string) []foreignWord {
	t.Helper()
	mine, theirs := wordLists(t, lang), wordLists(t, other)
	var out []foreignWord
	add := func(w string) {
		if slices.Contains(sameInBoth, w) || slices.Contains(mine.words, w) || slices.ContainsFunc(out, func(f foreignWord) bool { return f.word == w }) {
			return
		}
		expr := `(^|[^\p{L}_])` + regexp.QuoteMeta(w) + `($|[^\p{L}_])`
		out = append(out, foreignWord{word: w, re: regexp.MustCompile(expr)})
	}
	for _, w := range theirs.words {
		add(w)
	}
	for _, k := range slices.Concat(mine.keys, theirs.keys) {
		// The stored values are English words: an English mail may use
		// them as words ("accepted"), not as values ("in_resolution").
		if lang != "en" || strings.Contains(k, "_") {
			add(k)
		}
	}
	if len(out) < 40 {
		t.Fatalf("only %d words of %s to look for: %v", len(out), other, out)
	}
	return out
}

// lists are the words of a language's word lists and the values they
// translate.
type lists struct{ words, keys []string }

// wordDefines are the word lists of words.<lang>.tmpl that name what an
// incident holds.
var wordDefines = []string{"state", "type", "priority", "field", "label", "role", "figure", "stage", "reason", "untitled"}

var (
	defineRE = regexp.MustCompile(`\{\{define "([a-z]+)"\}\}(.*)\{\{end\}\}`)
	branchRE = regexp.MustCompile(`\}\}([^{}]+)\{\{`)
	keyRE    = regexp.MustCompile(`eq \. "([a-z_]+)"`)
)

func wordLists(t *testing.T, lang string) lists {
	t.Helper()
	b, err := fs.ReadFile(templates.FS, "words."+lang+".tmpl")
	if err != nil {
		t.Fatal(err)
	}
	var l lists
	for _, m := range defineRE.FindAllStringSubmatch(string(b), -1) {
		if !slices.Contains(wordDefines, m[1]) {
			continue
		}
		for _, w := range branchRE.FindAllStringSubmatch("}}"+m[2]+"{{", -1) {
			l.words = append(l.words, strings.TrimSpace(w[1]))
		}
		for _, k := range keyRE.FindAllStringSubmatch(m[2], -1) {
			l.keys = append(l.keys, k[1])
		}
	}
	return l
}

// richSamples are every notice kind about an incident written in lang,
// with every part of a notice filled in.
func richSamples(lang string) []sample {
	inc := func(s workflow.State) workflow.Incident {
		i := sampleIncident(12, s)
		if lang == "es" {
			i.Title, i.System = "Las facturas de marzo salen con el IVA duplicado", "Facturación"
			i.Description, i.Steps = "Desde la remesa de marzo todas las facturas muestran el IVA dos veces.", "1. Abrir una factura de marzo\n2. Mirar los totales"
		}
		return i
	}
	var out []sample
	for _, s := range samples() {
		n := s.out.Notice
		if n.Incident.ID != 0 {
			title := n.Incident.Title
			n.Incident = inc(n.Incident.State)
			if title == "" {
				n.Incident.Title = ""
			}
		}
		if n.Kind == workflow.NoticeAck {
			n.Incident.Priority = workflow.PriorityMedium
		}
		if n.Kind == workflow.NoticeFieldProblems && lang == "en" { // the lines as an English writer writes them
			n.Problems = []workflow.FieldProblem{{Label: "Priorty", Value: "High", Unknown: true},
				{Label: "Priority", Value: "right now", Field: "priority"}}
		}
		n.Text = ""
		out = append(out, sample{name: s.name, out: outgoing(n)})
	}
	overdue := &workflow.Overdue{Since: t0.Add(-30 * time.Hour), Waited: workflow.SecondsOf(30 * time.Hour),
		Deadline: workflow.SecondsOf(24 * time.Hour), Actors: []string{"bob@example.com"}}
	for _, st := range []workflow.State{workflow.Reported, workflow.InResolution, workflow.InfoRequested, workflow.Resolved} {
		for _, kind := range []workflow.NoticeKind{workflow.NoticeReminder, workflow.NoticeEscalation} {
			n := workflow.Notice{Kind: kind, Incident: inc(st), Overdue: overdue}
			out = append(out, sample{name: string(kind) + "-" + string(st), out: outgoing(n)})
		}
	}
	dropped := workflow.Notice{Kind: workflow.NoticeDropped, Incident: inc(workflow.InResolution),
		Files: []workflow.File{{Name: "core.dump", Size: 3 << 30}}, Subject: "Re: [INC-12] otra cosa"}
	m := richMetrics()
	digest := workflow.Notice{Kind: workflow.NoticeDigest, Metrics: &m}
	return append(out, sample{name: "dropped", out: outgoing(dropped)},
		sample{name: "digest", out: store.Outgoing{ID: 2, MessageID: "d@example.com", Recipient: "ops@example.com", Notice: digest, Date: t0}})
}

// richMetrics are the numbers of a week with an incident of every type and
// priority, in every state, and rejections of every reason.
func richMetrics() workflow.Metrics {
	types := []workflow.Type{workflow.TypeError, workflow.TypeImprovement, workflow.TypeFeature, workflow.TypeTask}
	prios := []workflow.Priority{workflow.PriorityCritical, workflow.PriorityHigh, workflow.PriorityMedium, workflow.PriorityLow}
	reasons := []string{"Duplicada de INC-3", "Ya conocida", "No se hará", "No se puede reproducir", "El usuario se equivocó"}
	var incs []workflow.Incident
	var evs []workflow.Event
	at := t0.Add(-6 * 24 * time.Hour)
	for i := range 12 {
		id := int64(i + 1)
		inc := workflow.Incident{ID: id, Fields: workflow.Fields{Type: types[i%4], Priority: prios[i%4], System: []string{"", "Portal"}[i%2]}}
		ev := func(kind workflow.EventKind, from, to workflow.State, text string) {
			at = at.Add(3 * time.Hour)
			evs = append(evs, workflow.Event{IncidentID: id, Kind: kind, From: from, To: to, At: at, Text: text})
			inc.State = to
		}
		ev(workflow.EventReported, "", workflow.Reported, "")
		switch i % 6 {
		case 0:
			ev(workflow.EventRejected, workflow.Reported, workflow.Rejected, reasons[i%len(reasons)])
		case 1:
			ev(workflow.EventRejected, workflow.Reported, workflow.Rejected, reasons[(i+1)%len(reasons)])
		case 2:
			ev(workflow.EventAccepted, workflow.Reported, workflow.InResolution, "")
		case 3:
			ev(workflow.EventAccepted, workflow.Reported, workflow.InResolution, "")
			ev(workflow.EventInfoRequested, workflow.InResolution, workflow.InfoRequested, "?")
		case 4:
			ev(workflow.EventAccepted, workflow.Reported, workflow.InResolution, "")
			ev(workflow.EventResolved, workflow.InResolution, workflow.Resolved, "hecho")
		case 5:
			ev(workflow.EventAccepted, workflow.Reported, workflow.InResolution, "")
			ev(workflow.EventResolved, workflow.InResolution, workflow.Resolved, "hecho")
			ev(workflow.EventReopened, workflow.Resolved, workflow.InResolution, "sigue")
			ev(workflow.EventResolved, workflow.InResolution, workflow.Resolved, "hecho")
			ev(workflow.EventConfirmed, workflow.Resolved, workflow.Closed, "")
		}
		incs = append(incs, inc)
	}
	return workflow.Measure(incs, evs, workflow.Period{From: t0.Add(-7 * 24 * time.Hour), To: t0}, workflow.DefaultReasonCategories(), workflow.Form{}, workflow.Roles{})
}
