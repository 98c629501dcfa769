package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"incidentd/workflow"
)

// TestSchedulesRunInTheDaemon: the cron schedules of the configuration
// run in the daemon. With a reminder round every second and a deadline of
// one second for high priority, the evaluator of a new incident gets a
// reminder and, the deadline twice passed, the admins an escalation; the
// digest, every second too, reaches the admins.
func TestSchedulesRunInTheDaemon(t *testing.T) {
	w := startWorld(t, func(c *Config) {
		c.Schedule.Reminders = "@every 1s"
		c.Schedule.Digest = "@every 1s"
		c.Schedule.Deadlines = map[string]Duration{"alta": {time.Second}}
	})
	c := w.client
	if err := c.send("carol", "La exportación de nóminas falla", "Prioridad: Alta\nSe para al 80 %.", nil); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := c.await(ctx, "alice"); err != nil { // the new incident
		t.Fatal(err)
	}
	reminder, err := c.await(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reminder.msg.Subject, "[INC-1]") || !strings.Contains(reminder.msg.Subject, "recordatorio") {
		t.Errorf("evaluator's second mail %q, want the reminder of INC-1", reminder.msg.Subject)
	}
	got := waitSubjects(ctx, t, c, "ops", "Incidencias: las cifras", "[INC-1] La exportación de nóminas falla — retrasada")
	if !got[0] || !got[1] {
		t.Errorf("admins got the digest %v, the escalation %v; want both", got[0], got[1])
	}
	_, events, _ := w.incident(t, 1)
	if !slices.Contains(kinds(events), workflow.EventReminded) {
		t.Errorf("INC-1 history %v has no reminder", kinds(events))
	}
}

// waitSubjects reads user's mail until one subject starting with each of
// prefixes arrived, or until the wait gives up; it says which arrived.
func waitSubjects(ctx context.Context, t *testing.T, c *demoClient, user string, prefixes ...string) []bool {
	t.Helper()
	found := make([]bool, len(prefixes))
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for left := len(prefixes); left > 0; {
		r, err := c.await(ctx, user)
		if err != nil {
			t.Log(err)
			return found
		}
		for i, p := range prefixes {
			if !found[i] && strings.HasPrefix(r.msg.Subject, p) {
				found[i] = true
				left--
			}
		}
	}
	return found
}
