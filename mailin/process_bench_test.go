package mailin

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"incidentd/mailin/imap"
)

// BenchmarkBatch prepares and applies new reports 100 at a time, as a backlog is:
// parsing, the transaction with a savepoint per mail, two notices queued
// per report. The time is per report.
func BenchmarkBatch(b *testing.B) {
	p := newProcessor(b)
	body := "Tipo: Error\nPrioridad: Alta\nSistema: Nóminas\nDescripción: the monthly export stops at 80 %.\n" +
		strings.Repeat("More detail about what happened and when it happened.\n", 12)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		batch := make([]*io.SectionReader, 100)
		for i := range batch {
			n++
			raw := mailText(fmt.Sprintf("r%d@example.com", n), fmt.Sprintf("Export fails for r%d", n), fmt.Sprintf("r%d@bench", n), "", body)
			batch[i] = io.NewSectionReader(bytes.NewReader(raw), 0, int64(len(raw)))
		}
		for _, o := range p.Prepare(batch).Apply(b.Context()) {
			if o.Err != nil || o.Disposition != imap.Processed {
				b.Fatal(o.Disposition, o.Err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/report")
}
