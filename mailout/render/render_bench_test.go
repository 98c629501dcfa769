package render

import (
	"bytes"
	"testing"

	"incidentd/workflow"
)

// BenchmarkRender renders the two notices a report causes: the
// acknowledgement to the reporter and the evaluators' notice, with
// quoted-printable bodies (for any server) and with 8-bit ones (for a
// server that announces 8BITMIME).
func BenchmarkRender(b *testing.B) {
	r, err := NewRenderer(Options{Language: "es", TemplateDir: "", From: testFrom, Roles: testRoles})
	if err != nil {
		b.Fatal(err)
	}
	inc := sampleIncident(12, workflow.Reported)
	ack := outgoing(workflow.Notice{Kind: workflow.NoticeAck, Incident: inc, Actor: inc.Reporter})
	ack.Recipient = inc.Reporter
	notice := outgoing(workflow.Notice{Kind: workflow.NoticeNew, Incident: inc, Actor: inc.Reporter})
	for _, eightBit := range []bool{false, true} {
		b.Run(map[bool]string{false: "quoted-printable", true: "8bit"}[eightBit], func(b *testing.B) {
			b.ReportAllocs()
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := r.RenderTo(&buf, ack, "", nil, eightBit); err != nil {
					b.Fatal(err)
				}
				buf.Reset()
				if err := r.RenderTo(&buf, notice, "", nil, eightBit); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
