package render

import (
	"incidentd/mailout/render/rendertest"
	"incidentd/workflow"
)

// testFrom is the sender of the tests' mail.
const testFrom = rendertest.From

// t0 is the tests' present: the sample incident's creation, the mails' date.
var t0 = rendertest.T0

// sampleIncident is a realistic incident in state.
func sampleIncident(id int64, state workflow.State) workflow.Incident {
	return rendertest.Incident(id, state)
}
