package render

import (
	"fmt"
	"time"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

// View is what a notice template is executed with (see package
// incidentd/templates): the fields of the workflow.Notice, the incident's
// flattened, and those of the mail itself.
//
// Every value is a field of the struct itself, not one promoted from an
// embedded struct: text/template looks a promoted field up by a search on
// every use, which made it a tenth of the rendering time.
type View struct {
	Kind     workflow.NoticeKind
	To       []string
	Incident IncidentView
	Actor    string
	Text     string
	Assumed  []workflow.Assumption
	Refusal  *workflow.Refusal
	Attach   bool
	Subject  string
	Overdue  *workflow.Overdue
	Metrics  *workflow.Metrics
	Changes  []workflow.Change
	Files    []workflow.File

	Tag         string // "INC-12"; empty when the mail concerns no incident
	Recipient   string
	Address     string             // the service's own address, to write to
	Attachments []store.Attachment // the files sent along with the mail
}

// IncidentView is a workflow.Incident with its Fields flattened.
type IncidentView struct {
	ID           int64
	Title        string
	Reporter     string
	ReporterName string
	Type         workflow.Type
	Priority     workflow.Priority
	System       string
	Description  string
	Steps        string
	State        workflow.State
	AcceptedBy   string
	Created      time.Time
	Updated      time.Time
}

// newView is the view of the notice of o, as address sends it.
func newView(o store.Outgoing, address string) View {
	n, inc := o.Notice, o.Notice.Incident
	v := View{Kind: n.Kind, To: n.To, Actor: n.Actor, Text: n.Text, Assumed: assumptions(inc, n.Assumed), Refusal: n.Refusal,
		Attach: n.Attach, Subject: n.Subject, Overdue: n.Overdue, Metrics: n.Metrics, Changes: n.Changes, Files: n.Files,
		Incident: IncidentView{ID: inc.ID, Title: inc.Title, Reporter: inc.Reporter, ReporterName: inc.ReporterName,
			Type: inc.Type, Priority: inc.Priority, System: inc.System, Description: inc.Description, Steps: inc.Steps,
			State: inc.State, AcceptedBy: inc.AcceptedBy, Created: inc.Created, Updated: inc.Updated},
		Recipient: o.Recipient, Address: address}
	if o.IncidentID != 0 {
		v.Tag = fmt.Sprintf("INC-%d", o.IncidentID)
	}
	return v
}

// assumptions are the notes of what was assumed about inc, made to agree
// with its fields: each says the value the incident holds, and a word
// given that is understood now (a priority such as "urgentísimo") is no
// assumption. The mail then states each value once, the same in the
// table and in the notes.
func assumptions(inc workflow.Incident, assumed []workflow.Assumption) []workflow.Assumption {
	var out []workflow.Assumption
	for _, a := range assumed {
		switch a.Field {
		case "type":
			if _, ok := workflow.ParseType(a.Given); ok {
				continue
			}
			a.Used = string(inc.Type)
		case "priority":
			if _, ok := workflow.ParsePriority(a.Given); ok {
				continue
			}
			a.Used = string(inc.Priority)
		case "system":
			a.Used = inc.System
		}
		out = append(out, a)
	}
	return out
}
