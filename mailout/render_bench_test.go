package mailout

import (
	"testing"

	"incidentd/workflow"
)

// BenchmarkRender renders the two notices a report causes: the
// acknowledgement to the reporter and the evaluators' notice.
func BenchmarkRender(b *testing.B) {
	r, err := NewRenderer("es", "", testFrom)
	if err != nil {
		b.Fatal(err)
	}
	inc := sampleIncident(12, workflow.Reported)
	ack := outgoing(workflow.Notice{Kind: workflow.NoticeAck, Incident: inc, Actor: inc.Reporter})
	ack.Recipient = inc.Reporter
	notice := outgoing(workflow.Notice{Kind: workflow.NoticeNew, Incident: inc, Actor: inc.Reporter})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(ack, "", nil); err != nil {
			b.Fatal(err)
		}
		if _, err := r.Render(notice, "", nil); err != nil {
			b.Fatal(err)
		}
	}
}
