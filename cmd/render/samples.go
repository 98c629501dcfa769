package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// sample is one notification to draw.
type sample struct {
	name string
	out  store.Outgoing
}

// sampleRoles let the samples' recipient, dave@example.com, play every
// role: each mail shows the commands that fit its incident's state.
var sampleRoles = workflow.Roles{Domains: []string{"example.com"}}

// samples are one notice of every kind, reminders in each waiting state,
// and the digest of a busy fortnight ending at now.
func samples(now time.Time) []sample {
	inc := func(s workflow.State) workflow.Incident {
		return workflow.Incident{ID: 42, Title: "Las facturas de marzo salen con IVA duplicado", Reporter: "carol@example.com",
			ReporterName: "Carol Díaz", State: s, AcceptedBy: "alice@example.com", Created: now.Add(-50 * time.Hour),
			Fields: workflow.Fields{Type: workflow.TypeError, Priority: workflow.PriorityHigh, System: "Billing",
				Description: "Since the March run every invoice shows VAT twice.\nCustomers are calling.",
				Steps:       "1. Open any March invoice\n2. Look at the totals"}}
	}
	n := func(kind workflow.NoticeKind, s workflow.State, text string) workflow.Notice {
		return workflow.Notice{Kind: kind, Incident: inc(s), Actor: "bob@example.com", Text: text}
	}
	overdue := func(kind workflow.NoticeKind, s workflow.State, waited time.Duration) workflow.Notice {
		x := n(kind, s, "")
		x.Overdue = &workflow.Overdue{Since: now.Add(-waited), Waited: workflow.SecondsOf(waited),
			Deadline: workflow.SecondsOf(24 * time.Hour), Actors: []string{"bob@example.com"}}
		return x
	}
	ack := n(workflow.NoticeAck, workflow.Reported, "")
	ack.Incident.Priority = workflow.PriorityMedium
	ack.Assumed = []workflow.Assumption{{Field: "priority", Given: "cuando podáis", Used: "medium"}}
	ack.Files = []workflow.File{{Name: "captura.png", Size: 182_400}, {Name: "factura-marzo.pdf", Size: 1_258_291}}
	refused := n(workflow.NoticeRefused, workflow.InResolution, "")
	refused.Refusal = &workflow.Refusal{Reason: workflow.NotNow, Verb: workflow.Confirm, State: workflow.InResolution}
	refused.Subject = "Re: [INC-42] Las facturas de marzo salen con IVA duplicado"
	corrected := n(workflow.NoticeComment, workflow.Reported, "Prioridad: Alta\nSistema: Intranet")
	corrected.Changes = []workflow.Change{{Field: "priority", From: "medium", To: "high"}, {Field: "system", To: "Intranet"}}
	dropped := n(workflow.NoticeDropped, workflow.InResolution, "")
	dropped.Files = []workflow.File{{Name: "volcado.core", Size: 2_254_857_830}}
	dropped.Subject = "Re: [INC-42] Las facturas de marzo salen con IVA duplicado — en resolución"
	receipt := n(workflow.NoticeReceipt, workflow.InResolution, "")
	receipt.Receipt = &workflow.Receipt{Event: workflow.EventAccepted, Next: []string{"bob@example.com"}}
	nearMiss := n(workflow.NoticeNearMiss, workflow.Reported, "Aceptado por mi parte")
	nearMiss.NearMiss = &workflow.NearMiss{Written: "Aceptado", Meant: workflow.Accept, Line: "Aceptado por mi parte"}
	autoClosed := overdue(workflow.NoticeAutoClosed, workflow.Closed, 15*24*time.Hour)
	autoClosed.Overdue.Deadline = workflow.SecondsOf(14 * 24 * time.Hour)
	watcher := n(workflow.NoticeWatcher, workflow.InResolution, "Lo miro hoy.")
	watcher.Actor, watcher.Event, watcher.Incident.Watchers = "alice@example.com", workflow.EventAccepted, []string{"dave@example.com"}
	m := sampleMetrics(now)
	digest := workflow.Notice{Kind: workflow.NoticeDigest, Metrics: &m}
	notices := []struct {
		name string
		n    workflow.Notice
	}{
		{"digest", digest},
		{"reminder-reported", overdue(workflow.NoticeReminder, workflow.Reported, 26*time.Hour)},
		{"reminder-info_requested", overdue(workflow.NoticeReminder, workflow.InfoRequested, 30*time.Hour)},
		{"reminder-resolved", overdue(workflow.NoticeReminder, workflow.Resolved, 25*time.Hour)},
		{"escalation", overdue(workflow.NoticeEscalation, workflow.InResolution, 52*time.Hour)},
		{"ack", ack},
		{"new", n(workflow.NoticeNew, workflow.Reported, "")},
		{"accepted", n(workflow.NoticeAccepted, workflow.InResolution, "Lo miro hoy.")},
		{"assigned", n(workflow.NoticeAssigned, workflow.InResolution, "")},
		{"rejected", n(workflow.NoticeRejected, workflow.Rejected, "Duplicada de INC-40")},
		{"info_request", n(workflow.NoticeInfoRequest, workflow.InfoRequested, "¿Pasa también con las facturas rectificativas?")},
		{"info_answer", n(workflow.NoticeInfoAnswer, workflow.InResolution, "Sí, con todas.")},
		{"resolved", n(workflow.NoticeResolved, workflow.Resolved, "Corregido el redondeo del IVA.")},
		{"reopened", n(workflow.NoticeReopened, workflow.InResolution, "Sigue pasando en las de abril.")},
		{"resolved-closed", n(workflow.NoticeResolved, workflow.Closed, "Corregido el redondeo del IVA.")},
		{"closed", n(workflow.NoticeClosed, workflow.Closed, "")},
		{"auto_closed", autoClosed},
		{"comment", n(workflow.NoticeComment, workflow.InResolution, "Mañana lo despliego.")},
		{"comment-corrected", corrected},
		{"dropped", dropped},
		{"refused", refused},
		{"receipt", receipt},
		{"near_miss", nearMiss},
		{"watcher", watcher},
	}
	var out []sample
	for _, x := range notices {
		x.n.To = []string{"dave@example.com"}
		out = append(out, sample{x.name, store.Outgoing{IncidentID: x.n.Incident.ID, MessageID: "sample@example.com",
			Recipient: "dave@example.com", Notice: x.n, Date: now}})
	}
	return out
}

// sampleMetrics measures a made-up but plausible fortnight: the digest's
// week and the week before it.
func sampleMetrics(now time.Time) workflow.Metrics {
	rng := rand.New(rand.NewPCG(7, 42))
	types := []workflow.Type{workflow.TypeError, workflow.TypeError, workflow.TypeError, workflow.TypeImprovement, workflow.TypeFeature, workflow.TypeTask}
	prios := []workflow.Priority{workflow.PriorityCritical, workflow.PriorityHigh, workflow.PriorityHigh, workflow.PriorityMedium, workflow.PriorityMedium, workflow.PriorityMedium, workflow.PriorityLow}
	systems := []string{"Billing", "Billing", "Portal", "Portal", "Portal", "Mobile app", ""}
	reasons := []string{"Duplicada de INC-3", "Duplicate of INC-7", "Ya conocido, está en la lista", "Cannot reproduce", "No se puede reproducir",
		"Won't fix: the old client is retired", "El usuario pulsó el botón equivocado"}
	var incs []workflow.Incident
	var evs []workflow.Event
	start := now.Add(-14 * 24 * time.Hour)
	for id := int64(1); id <= 64; id++ {
		at := start.Add(time.Duration(rng.Int64N(int64(13 * 24 * time.Hour))))
		inc := workflow.Incident{ID: id, Title: fmt.Sprintf("Incident %d", id), Fields: workflow.Fields{
			Type: types[rng.IntN(len(types))], Priority: prios[rng.IntN(len(prios))], System: systems[rng.IntN(len(systems))]}}
		state := workflow.Reported
		step := func(kind workflow.EventKind, to workflow.State, wait time.Duration, text string) bool {
			at = at.Add(time.Duration(float64(wait) * (0.3 + rng.Float64()*1.4)))
			if !at.Before(now) {
				return false
			}
			evs = append(evs, workflow.Event{IncidentID: id, Kind: kind, From: state, To: to, At: at, Text: text})
			state = to
			return true
		}
		evs = append(evs, workflow.Event{IncidentID: id, Kind: workflow.EventReported, To: workflow.Reported, At: at})
		switch r := rng.IntN(10); {
		case r < 2:
			step(workflow.EventRejected, workflow.Rejected, 5*time.Hour, reasons[rng.IntN(len(reasons))])
		case r < 9 && step(workflow.EventAccepted, workflow.InResolution, 4*time.Hour, ""):
			if rng.IntN(5) == 0 && !(step(workflow.EventInfoRequested, workflow.InfoRequested, 6*time.Hour, "?") &&
				step(workflow.EventInfoAnswered, workflow.InResolution, 8*time.Hour, "!")) {
				break
			}
			if !step(workflow.EventResolved, workflow.Resolved, 30*time.Hour, "done") {
				break
			}
			if rng.IntN(6) == 0 && !(step(workflow.EventReopened, workflow.InResolution, 10*time.Hour, "again") &&
				step(workflow.EventResolved, workflow.Resolved, 12*time.Hour, "done")) {
				break
			}
			step(workflow.EventConfirmed, workflow.Closed, 20*time.Hour, "")
		}
		inc.State = state
		incs = append(incs, inc)
	}
	return workflow.Measure(incs, evs, workflow.Period{From: now.Add(-7 * 24 * time.Hour), To: now}, workflow.DefaultReasonCategories(), workflow.Form{}, workflow.Roles{})
}
