package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"incidentd/workflow"
)

// TestValidationNone: with validation = "none", RESUELTO closes the
// incident; the reporter is told it is closed and needs no confirmation,
// and a CONFIRMAR after it changes nothing.
func TestValidationNone(t *testing.T) {
	w := startWorld(t, func(c *Config) { c.Workflow.Validation = "none" })
	c := w.client
	steps := []step{
		{user: "carol", subject: "Login fails", text: "Sistema: Portal", expect: []string{"carol", "alice"}},
		{user: "alice", text: "ACEPTAR", expect: []string{"carol", "bob", "alice"}},
		{user: "bob", text: "RESUELTO: reiniciado el servicio", expect: []string{"carol", "alice", "bob"}},
	}
	if err := c.play(t.Context(), steps); err != nil {
		t.Fatal(err)
	}
	told := c.last["carol"].msg
	if !strings.Contains(told.Subject, "resuelta y cerrada") || !strings.Contains(told.Text, "no hace falta confirmar") ||
		strings.Contains(told.Text, "CONFIRMAR") {
		t.Errorf("the reporter was told %q:\n%s", told.Subject, told.Text)
	}
	inc, events, _ := w.incident(t, 1)
	last := events[len(events)-1]
	if inc.State != workflow.Closed || last.Kind != workflow.EventResolved || last.To != workflow.Closed {
		t.Fatalf("INC-1 %s, history %v", inc.State, kinds(events))
	}
	if err := c.play(t.Context(), []step{{user: "carol", text: "CONFIRMAR", expect: []string{"carol"}}}); err != nil {
		t.Fatal(err)
	}
	if got := c.last["carol"].msg.Text; !strings.Contains(got, "CONFIRMAR no vale ahora") {
		t.Errorf("a confirmation of a closed incident was answered with:\n%s", got)
	}
	if _, after, _ := w.incident(t, 1); !slices.Equal(kinds(after), kinds(events)) {
		t.Errorf("CONFIRMAR changed the history: %v", kinds(after))
	}
}

// TestAutoCloseThroughTheDaemon: with auto_close_after = 14d, the
// daemon's scheduled auto-close, run with the daemon's clock moved 15
// days ahead, closes
// the incident carol never confirmed and mails her in its thread; run
// again it does nothing. The job is on the reminders' schedule.
func TestAutoCloseThroughTheDaemon(t *testing.T) {
	var ahead atomic.Int64 // how far the daemon's clock runs ahead
	w := startWorld(t, func(c *Config) {
		c.Workflow.AutoCloseAfter = OptionalDuration{Duration{14 * 24 * time.Hour}}
		c.now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
	})
	c := w.client
	steps := []step{
		{user: "carol", subject: "Login fails", text: "Sistema: Portal", expect: []string{"carol", "alice"}},
		{user: "alice", text: "ACEPTAR", expect: []string{"carol", "bob", "alice"}},
		{user: "bob", text: "RESUELTO: reiniciado el servicio", expect: []string{"carol", "bob"}},
	}
	if err := c.play(t.Context(), steps); err != nil {
		t.Fatal(err)
	}
	at := func(d time.Duration) int {
		t.Helper()
		ahead.Store(int64(d))
		j, err := w.d.newJobs(w.d.dispatcher.Kick)
		if err != nil {
			t.Fatal(err)
		}
		n, err := j.AutoClose(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := at(13 * 24 * time.Hour); n != 0 {
		t.Fatalf("13 days after the resolution: %d mails", n)
	}
	if n := at(15 * 24 * time.Hour); n != 1 {
		t.Fatalf("15 days after the resolution: %d mails, want one to carol", n)
	}
	r, err := c.await(t.Context(), "carol")
	if err != nil {
		t.Fatal(err)
	}
	if r.msg.Tag != 1 || !strings.Contains(r.msg.Subject, "cerrada sin confirmación") || !strings.Contains(r.msg.Text, "nadie ha confirmado") ||
		len(r.msg.References) == 0 || r.msg.References[0] != c.last["alice"].msg.References[0] {
		t.Errorf("carol was told %q (references %v):\n%s", r.msg.Subject, r.msg.References, r.msg.Text)
	}
	inc, events, _ := w.incident(t, 1)
	last := events[len(events)-1]
	if inc.State != workflow.Closed || last.Kind != workflow.EventAutoClosed || last.Actor != demoAddr("incidents") {
		t.Fatalf("INC-1 %s, history %v", inc.State, kinds(events))
	}
	if n := at(16 * 24 * time.Hour); n != 0 {
		t.Errorf("the job run again queued %d mails", n)
	}
	if _, after, _ := w.incident(t, 1); len(after) != len(events) {
		t.Errorf("the job run again changed the history: %v", kinds(after))
	}
	var names []string
	for _, job := range w.d.schedule(nil) {
		if job.spec != "" {
			names = append(names, job.name+" "+job.spec)
		}
	}
	if want := "auto-close " + w.d.cfg.Schedule.Reminders; !slices.Contains(names, want) {
		t.Errorf("schedule %v lacks %q", names, want)
	}
}

// TestTimerConfig: validation and auto_close_after are read from the
// file ("" is off) and checked, each problem named by its key.
func TestTimerConfig(t *testing.T) {
	dir := t.TempDir()
	read := func(workflowKeys string) (Config, error) {
		path := filepath.Join(dir, "c.toml")
		if err := os.WriteFile(path, []byte("[workflow]\n"+workflowKeys), 0o600); err != nil {
			t.Fatal(err)
		}
		return loadChecked(path, func(c *Config) []error { return checkKeys(c.validateWorkflow) })
	}
	c, err := read(`domains = ["example.com"]` + "\n" + `auto_close_after = ""`)
	if err != nil || c.autoCloseAfter() != 0 || c.roles().NoValidation {
		t.Fatalf("defaults: %v %v %+v", err, c.autoCloseAfter(), c.roles())
	}
	c, err = read(`domains = ["example.com"]` + "\n" + `auto_close_after = "2w"` + "\n" + `validation = "none"`)
	if err != nil || c.autoCloseAfter() != 14*24*time.Hour || !c.roles().NoValidation {
		t.Fatalf("set: %v %v %+v", err, c.autoCloseAfter(), c.roles())
	}
	_, err = read(`domains = ["example.com"]` + "\n" + `auto_close_after = "-1d"` + "\n" + `validation = "nobody"`)
	for _, want := range []string{"workflow.auto_close_after: must not be negative", `workflow.validation: "nobody" is not one of reporter, none`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("problems %v lack %q", err, want)
		}
	}
}
