package render

import (
	"testing"

	"incidentd/mailout/render/rendertest"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// testFrom is the sender of the tests' mail.
const testFrom = rendertest.From

// testRoles let anyone at example.com play every role: a mail's
// recipient may use every command that fits the incident's state.
var testRoles = workflow.Roles{Domains: []string{"example.com"}}

// t0 is the tests' present: the sample incident's creation, the mails' date.
var t0 = rendertest.T0

// sampleIncident is a realistic incident in state.
func sampleIncident(id int64, state workflow.State) workflow.Incident {
	return rendertest.Incident(id, state)
}

// renderParts renders o with r, without files, and reads the mail back:
// its subject and its bodies.
func renderParts(t *testing.T, r *Renderer, o store.Outgoing) (string, rendertest.Parts) {
	t.Helper()
	data, err := r.Render(o, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	mr, p := rendertest.Parse(t, data)
	subject, _ := mr.Header.Subject()
	return subject, p
}
