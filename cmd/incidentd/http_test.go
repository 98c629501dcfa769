package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"incidentd/workflow"
)

// TestHealthz: /healthz is 200 while the daemon is logged in to IMAP and
// the servers answer, and 503 naming the problem once the mail servers are
// gone.
func TestHealthz(t *testing.T) {
	w := startWorld(t, nil)
	get := func() (int, health) {
		rec := httptest.NewRecorder()
		w.d.healthz(rec, httptest.NewRequest("GET", "/healthz", nil))
		var h health
		if err := json.Unmarshal(rec.Body.Bytes(), &h); err != nil {
			t.Fatalf("/healthz is not JSON: %v\n%s", err, rec.Body.String())
		}
		return rec.Code, h
	}
	waitFor := func(what string, ok func(int, health) bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			code, h := get()
			if ok(code, h) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: still %d %+v", what, code, h)
			}
		}
	}
	waitFor("healthy", func(code int, h health) bool {
		return code == http.StatusOK && h.OK && h.IMAPSession && h.IMAP.Reachable && h.SMTP.Reachable
	})
	w.sys.Close()
	waitFor("unhealthy", func(code int, h health) bool {
		return code == http.StatusServiceUnavailable && !h.IMAPSession && !h.SMTP.Reachable && len(h.Problems) >= 2
	})
}

// TestMetrics: /metrics tells the incidents per state, the history and the
// stage times from the store, after a whole scenario.
func TestMetrics(t *testing.T) {
	w := startWorld(t, nil)
	w.client.out = io.Discard
	if err := playScenario(t.Context(), w.client); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(storeCollector{w.d})
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`incidentd_incidents{state="closed"} 1`,
		`incidentd_incidents{state="rejected"} 1`,
		`incidentd_incidents{state="reported"} 0`,
		`incidentd_events_total{kind="reopened"} 1`,
		`incidentd_events_total{kind="resolved"} 2`,
		`incidentd_stage_seconds_count{stage="close"} 1`,
		`incidentd_stage_seconds_count{stage="evaluate"} 2`,
		`incidentd_scrape_error 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Log(body)
	}
}

// choicesCollector collects the counts per choice of incs.
type choicesCollector struct {
	incs []workflow.Incident
	form workflow.Form
}

func (c choicesCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descFields }
func (c choicesCollector) Collect(ch chan<- prometheus.Metric) { collectChoices(c.incs, ch, c.form) }

// TestMetricsByChoice: a choice field counts each choice, values no
// longer among them as other and none as ""; a field whose choices
// include "other" counts those values in it, and /metrics still serves
// (a second "other" series would fail the whole scrape).
func TestMetricsByChoice(t *testing.T) {
	incs := []workflow.Incident{
		{Fields: workflow.Fields{Values: map[string]string{"env": "prod"}}},
		{Fields: workflow.Fields{Values: map[string]string{"env": "other"}}},
		{Fields: workflow.Fields{Values: map[string]string{"env": "staging"}}}, // a choice since removed
		{},
	}
	for _, c := range []struct {
		choices []string
		want    []string
	}{
		{[]string{"prod", "test"}, []string{`value="prod"} 1`, `value="test"} 0`, `value="other"} 2`, `value=""} 1`}},
		{[]string{"prod", "other"}, []string{`value="prod"} 1`, `value="other"} 2`, `value=""} 1`}},
	} {
		var choices []workflow.Choice
		for _, v := range c.choices {
			choices = append(choices, workflow.Choice{Value: v})
		}
		form := workflow.NewForm([]workflow.FieldDef{{Name: "env", Labels: []string{"Entorno"}, Kind: workflow.FieldChoice, Choices: choices}})
		reg := prometheus.NewRegistry()
		reg.MustRegister(choicesCollector{incs, form})
		rec := httptest.NewRecorder()
		promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		body := rec.Body.String()
		if rec.Code != http.StatusOK {
			t.Fatalf("choices %v: /metrics answered %d:\n%s", c.choices, rec.Code, body)
		}
		for _, want := range c.want {
			if !strings.Contains(body, `incidentd_incidents_by_field{field="env",`+want) {
				t.Errorf("choices %v: /metrics lacks %s:\n%s", c.choices, want, body)
			}
		}
	}
}
