package render

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"incidentd/workflow"
	"incidentd/workflow/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// boundaryRE finds the MIME boundaries go-mail draws at random.
var boundaryRE = regexp.MustCompile(`boundary="?([^";\r\n]+)"?`)

// stable replaces the random MIME boundaries of data with fixed names.
func stable(data []byte) []byte {
	for i, m := range boundaryRE.FindAllSubmatch(data, -1) {
		data = bytes.ReplaceAll(data, m[1], []byte("BOUNDARY-"+string(rune('A'+i))))
	}
	return data
}

// goldenSamples are the samples of every notice kind, plus the kinds the
// other tests do not cover, each with the data it needs: the files not
// kept, how late an incident is, the numbers of a week.
func goldenSamples() []sample {
	all := samples()
	overdue := &workflow.Overdue{Since: t0.Add(-30 * time.Hour), Waited: workflow.SecondsOf(30 * time.Hour),
		Deadline: workflow.SecondsOf(24 * time.Hour), Actors: []string{"bob@example.com"}}
	m := richMetrics()
	for _, kind := range []workflow.NoticeKind{"dropped", "reminder", "escalation", "digest"} {
		n := workflow.Notice{Kind: kind, Incident: sampleIncident(12, workflow.Reported), Actor: "alice@example.com"}
		switch kind {
		case workflow.NoticeDropped:
			n.Files = []workflow.File{{Name: "core.dump", Size: 2 << 30}, {Name: "trace.log", Size: 12800}}
		case workflow.NoticeReminder, workflow.NoticeEscalation:
			n.Overdue = overdue
		case workflow.NoticeDigest:
			n = workflow.Notice{Kind: kind, Metrics: &m}
		}
		all = append(all, sample{name: string(kind), out: outgoing(n)})
	}
	tooBig := workflow.Notice{Kind: workflow.NoticeQuarantined, To: []string{"alice@example.com"}, Subject: "Vídeo del fallo",
		Oversize: &workflow.Oversize{Size: 31 << 20, Limit: 25 << 20}}
	all = append(all, sample{name: "quarantined-too-big", out: outgoing(tooBig)})
	routed := richMetrics()
	routed.ByRoute = workflow.Groups{{Key: "payroll", Figures: routed.ByType[0].Figures}, {Key: workflow.NoRoute, Figures: routed.ByType[1].Figures}}
	all = append(all, sample{name: "digest-routes", out: outgoing(workflow.Notice{Kind: workflow.NoticeDigest, Metrics: &routed})})
	return all
}

// TestRenderGolden renders every notice kind in both languages, with and
// without attachments, and compares the whole mail (boundaries aside) with
// testdata/; go test -run TestRenderGolden -update rewrites the files.
func TestRenderGolden(t *testing.T) {
	atts := []Attached{{
		Attachment: store.Attachment{Filename: "server log.txt", ContentType: "text/plain", Size: 7},
		Open:       func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("line 1\n")), nil },
	}}
	for _, lang := range []string{"es", "en"} {
		r, err := NewRenderer(Options{Language: lang, TemplateDir: "", From: testFrom, Roles: testRoles})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range goldenSamples() {
			for _, withFiles := range []bool{false, true} {
				name := lang + "." + s.name
				var a []Attached
				if withFiles {
					name, a = name+".files", atts
				}
				data, err := r.Render(s.out, "", a)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				golden(t, name, data)
			}
		}
	}
}

// golden compares the mail data (boundaries aside) with
// testdata/<name>.eml, or writes it there with -update.
func golden(t *testing.T, name string, data []byte) {
	t.Helper()
	data = stable(data)
	path := filepath.Join("testdata", name+".eml")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("%s differs from %s:\n%s", name, path, data)
	}
}
