package render

import (
	"strings"
	"testing"

	"incidentd/workflow"
)

// TestWatcherCommands: a watcher who plays no role is offered UNWATCH
// alone, on the watcher's notice and on the receipt of WATCH; the
// receipt of UNWATCH offers nothing.
func TestWatcherCommands(t *testing.T) {
	roles := workflow.Roles{Domains: []string{"example.com"}, Evaluators: []string{"alice@example.com"},
		Resolvers: []string{"bob@example.com"}, Validators: []string{workflow.ReporterMember}}
	r, err := NewRenderer(Options{Language: "en", From: testFrom, Roles: roles})
	if err != nil {
		t.Fatal(err)
	}
	inc := sampleIncident(12, workflow.InResolution)
	inc.Watchers = []string{"dave@example.com"}
	watcher := workflow.Notice{Kind: workflow.NoticeWatcher, Incident: inc, Actor: "alice@example.com", Event: workflow.EventAccepted}
	watched := workflow.Notice{Kind: workflow.NoticeReceipt, Incident: inc, Actor: "dave@example.com",
		Receipt: &workflow.Receipt{Event: workflow.EventWatched, Next: []string{"bob@example.com"}}}
	unwatched := watched
	unwatched.Incident.Watchers, unwatched.Receipt = nil, &workflow.Receipt{Event: workflow.EventUnwatched}
	for _, tc := range []struct {
		name      string
		n         workflow.Notice
		want, not []string
	}{
		{"watcher", watcher, []string{"UNWATCH", "→ you stop following it", "Spanish keywords work too: DEJAR."}, []string{"RESOLVED"}},
		{"receipt of WATCH", watched, []string{"you follow it now, with a short mail at each step", "UNWATCH"}, []string{"RESOLVED"}},
		{"receipt of UNWATCH", unwatched, []string{"you no longer follow it", "nothing for you to do"}, []string{"UNWATCH"}},
	} {
		_, p := renderParts(t, r, outgoing(tc.n))
		for _, w := range tc.want {
			if !strings.Contains(p.Text, w) {
				t.Errorf("%s lacks %q:\n%s", tc.name, w, p.Text)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(p.Text, w) {
				t.Errorf("%s offers %q:\n%s", tc.name, w, p.Text)
			}
		}
	}
}
