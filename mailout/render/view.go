package render

import (
	"fmt"
	"net/url"
	"strings"
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
	Receipt  *workflow.Receipt
	NearMiss *workflow.NearMiss
	Event    workflow.EventKind
	Missing  []string
	Problems []workflow.FieldProblem
	Oversize *workflow.Oversize

	// HasSystem says that the form has the built-in system field.
	HasSystem bool
	// Own are the organization's one-line fields (text and choice), for
	// the table of fields; OwnText its multiline ones that hold a value.
	Own, OwnText []FieldRow

	Tag         string // "INC-12"; empty when the mail concerns no incident
	Recipient   string
	Address     string             // the service's own address, to write to
	Attachments []store.Attachment // the files sent along with the mail
	// Commands are those the recipient may use on the incident now
	// (workflow.CommandsFor); none for a mail about no incident.
	Commands []workflow.Verb

	reply reply // where a reply to the mail goes, for Mailto
}

// reply is where a reply to a mail goes and what it is about.
type reply struct {
	to, subject, lang string
}

// Mailto is the link that starts the recipient's reply using command v:
// to the mail's Reply-To (which carries the recipient's reply token),
// with the mail's subject after "Re: " and the keyword at the start of
// the body, followed by ": " when it needs a text (RFC 6068).
func (v View) Mailto(verb workflow.Verb) string {
	body := verb.Keyword(v.reply.lang)
	if verb.NeedsText() {
		body += ": "
	}
	subject := v.reply.subject
	if !hasReplyPrefix(subject) {
		subject = "Re: " + subject
	}
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	return "mailto:" + v.reply.to + "?subject=" + esc(subject) + "&body=" + esc(body)
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
	Values       map[string]string
	State        workflow.State
	AcceptedBy   string
	Evaluation   string
	Assignee     string
	Created      time.Time
	Updated      time.Time
	Watchers     []string
}

// newView is the view of the notice of o, as address sends it.
func newView(o store.Outgoing, address string) View {
	n, inc := o.Notice, o.Notice.Incident
	v := View{Kind: n.Kind, To: n.To, Actor: n.Actor, Text: n.Text, Assumed: assumptions(inc, n.Assumed), Refusal: n.Refusal,
		Attach: n.Attach, Subject: n.Subject, Overdue: n.Overdue, Metrics: n.Metrics, Changes: n.Changes, Files: n.Files,
		Receipt: n.Receipt, NearMiss: n.NearMiss, Event: n.Event, Missing: n.Missing, Problems: n.Problems,
		Oversize: n.Oversize, Incident: IncidentView{ID: inc.ID, Title: inc.Title, Reporter: inc.Reporter, ReporterName: inc.ReporterName,
			Type: inc.Type, Priority: inc.Priority, System: inc.System, Description: inc.Description, Steps: inc.Steps,
			Values: inc.Values, State: inc.State, AcceptedBy: inc.AcceptedBy, Evaluation: inc.Evaluation, Assignee: inc.Assignee,
			Created: inc.Created, Updated: inc.Updated, Watchers: inc.Watchers},
		Recipient: o.Recipient, Address: address, HasSystem: true}
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
