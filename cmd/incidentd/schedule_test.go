package main

import (
	"strings"
	"testing"
	"time"

	"incidentd/workflow"
)

// TestScheduleConfigProblems: the keys of [schedule], [metrics] and [http]
// are checked at start-up, each problem named by its key.
func TestScheduleConfigProblems(t *testing.T) {
	c := defaultConfig()
	c.Schedule.Reminders = "every hour"
	c.Schedule.Timezone = "Mars/Olympus"
	c.Schedule.DigestPeriod = Duration{}
	c.Metrics.RejectionCategories = []workflow.ReasonCategory{{Name: "spam"}}
	c.HTTP.Listen = "0.0.0.0:9180"
	var got []string
	for _, check := range []func(bad func(key, format string, args ...any)){c.validateSchedule, c.validateMetrics, c.validateHTTP} {
		check(func(key, format string, args ...any) { got = append(got, key) })
	}
	want := "schedule.reminders schedule.timezone schedule.digest_period metrics.rejection_categories http.listen"
	if strings.Join(got, " ") != want {
		t.Errorf("problems %v, want %s", got, want)
	}
}

func TestScheduleConfigValues(t *testing.T) {
	c := defaultConfig()
	c.Schedule.Timezone = "Europe/Madrid"
	c.Schedule.Deadlines = map[string]Duration{"critical": {4 * time.Hour}, "Baja": {7 * 24 * time.Hour}}
	c.HTTP.Listen = "localhost:9180"
	var got []string
	for _, check := range []func(bad func(key, format string, args ...any)){c.validateSchedule, c.validateMetrics, c.validateHTTP} {
		check(func(key, format string, args ...any) { got = append(got, key) })
	}
	if len(got) != 0 {
		t.Fatalf("problems %v", got)
	}
	if loc, _ := c.location(); loc.String() != "Europe/Madrid" {
		t.Errorf("location %v", loc)
	}
	d := c.deadlines()
	if d[workflow.PriorityCritical] != 4*time.Hour || d[workflow.PriorityLow] != 7*24*time.Hour {
		t.Errorf("deadlines %v", d)
	}
	if len(c.categories()) != len(workflow.DefaultReasonCategories()) {
		t.Errorf("default categories %v", c.categories())
	}
}
