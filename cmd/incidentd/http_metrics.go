package main

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"incidentd/mailauth"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// The metrics read from the store at each scrape: the database is the
// truth, so the counters survive restarts and agree with `incidentd stats`.
var (
	descIncidents   = prometheus.NewDesc("incidentd_incidents", "Incidents per current state.", []string{"state"}, nil)
	descFields      = prometheus.NewDesc("incidentd_incidents_by_field", "Incidents per value of each choice field of the organization's own form (a value no longer among the choices counts as other).", []string{"field", "value"}, nil)
	descTransitions = prometheus.NewDesc("incidentd_events_total", "History events per kind (transitions, comments, reminders).", []string{"kind"}, nil)
	descMailIn      = prometheus.NewDesc("incidentd_mail_in_total", "Mail handled, by what became of it.", []string{"outcome"}, nil)
	descMailOut     = prometheus.NewDesc("incidentd_mail_out_total", "Notification mails in the outbox, by state.", []string{"state"}, nil)
	descSendErrors  = prometheus.NewDesc("incidentd_send_failures_total", "Failed attempts to send a notification.", nil, nil)
	descBacklog     = prometheus.NewDesc("incidentd_outbox_backlog", "Notification mails waiting to be sent.", nil, nil)
	descOutboxAge   = prometheus.NewDesc("incidentd_outbox_oldest_seconds", "How long the oldest pending mail has waited.", nil, nil)
	descStage       = prometheus.NewDesc("incidentd_stage_seconds", "Time each stage of the workflow took, over the whole history.", []string{"stage"}, nil)
	descLoginErrors = prometheus.NewDesc("incidentd_login_failures_total", "Logins a mail server refused, or that could not be made for a lasting reason (certificate, tls setting), since the start.", []string{"server"}, nil)
	descScrapeError = prometheus.NewDesc("incidentd_scrape_error", "1 when the store could not be read for this scrape.", nil, nil)
	// stageBuckets run from 15 minutes to four weeks.
	stageBuckets = []float64{900, 3600, 4 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400, 14 * 86400, 28 * 86400}
)

// storeCollector reads the metrics from the daemon's store.
type storeCollector struct{ d *daemon }

func (c storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descIncidents, descFields, descTransitions, descMailIn, descMailOut,
		descSendErrors, descBacklog, descOutboxAge, descStage, descLoginErrors, descScrapeError} {
		ch <- d
	}
}

func (c storeCollector) Collect(ch chan<- prometheus.Metric) {
	failed := 0.0
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := c.d.store.View(ctx, func(tx *store.Tx) error { return collect(tx, ch, c.d.cfg.form()) })
	if err != nil {
		c.d.log.Warn("metrics scrape could not read the store", "error", err)
		failed = 1
	}
	ch <- prometheus.MustNewConstMetric(descScrapeError, prometheus.GaugeValue, failed)
	for _, s := range []*mailauth.Status{c.d.imapStatus, c.d.smtpStatus} {
		ch <- prometheus.MustNewConstMetric(descLoginErrors, prometheus.CounterValue, float64(s.Failures()), s.Server)
	}
}

func collect(tx *store.Tx, ch chan<- prometheus.Metric, form workflow.Form) error {
	incs, err := tx.Incidents(store.Filter{})
	if err != nil {
		return err
	}
	perState := map[workflow.State]int{}
	for _, inc := range incs {
		perState[inc.State]++
	}
	for _, s := range workflow.States {
		ch <- prometheus.MustNewConstMetric(descIncidents, prometheus.GaugeValue, float64(perState[s]), string(s))
	}
	collectChoices(incs, ch, form)
	events, err := tx.EventCounts()
	if err != nil {
		return err
	}
	for k, n := range events {
		ch <- prometheus.MustNewConstMetric(descTransitions, prometheus.CounterValue, float64(n), string(k))
	}
	in, err := tx.ProcessedCounts()
	if err != nil {
		return err
	}
	for k, n := range in {
		ch <- prometheus.MustNewConstMetric(descMailIn, prometheus.CounterValue, float64(n), k)
	}
	out, err := tx.OutboxCounts()
	if err != nil {
		return err
	}
	for state, n := range map[string]int{store.OutboxPending: out.Pending, store.OutboxSent: out.Sent, store.OutboxFailed: out.Failed} {
		ch <- prometheus.MustNewConstMetric(descMailOut, prometheus.GaugeValue, float64(n), state)
	}
	ch <- prometheus.MustNewConstMetric(descSendErrors, prometheus.CounterValue, float64(out.Attempts))
	ch <- prometheus.MustNewConstMetric(descBacklog, prometheus.GaugeValue, float64(out.Pending))
	age := 0.0
	if !out.OldestPending.IsZero() {
		age = time.Since(out.OldestPending).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(descOutboxAge, prometheus.GaugeValue, age)
	now := time.Now()
	history, err := tx.EventsBefore(now)
	if err != nil {
		return err
	}
	times := workflow.MeasureStages(history, workflow.Period{To: now})
	for stage, ds := range map[string][]time.Duration{"evaluate": times.Evaluate, "resolve": times.Resolve, "close": times.Close} {
		ch <- histogram(stage, ds)
	}
	return nil
}

// histogram is the constant histogram of one stage's durations.
func histogram(stage string, ds []time.Duration) prometheus.Metric {
	buckets := make(map[float64]uint64, len(stageBuckets))
	sum := 0.0
	for _, d := range ds {
		s := d.Seconds()
		sum += s
		for _, b := range stageBuckets {
			if s <= b {
				buckets[b]++
			}
		}
	}
	return prometheus.MustNewConstHistogram(descStage, uint64(len(ds)), sum, buckets, stage)
}

// collectChoices counts incs per value of each choice field of form's
// own: every choice, then "other" for a value no longer among them and
// "" for none, so that the label values stay bounded. A field with a
// choice of value "other" counts those values in it.
func collectChoices(incs []workflow.Incident, ch chan<- prometheus.Metric, form workflow.Form) {
	for _, d := range form.Own() {
		if d.Kind != workflow.FieldChoice {
			continue
		}
		counts := map[string]int{}
		for _, inc := range incs {
			v := inc.Values[d.Name]
			if _, ok := d.Choice(v); !ok && v != "" {
				v = "other"
			}
			counts[v]++
		}
		for _, c := range d.Choices {
			ch <- prometheus.MustNewConstMetric(descFields, prometheus.GaugeValue, float64(counts[c.Value]), d.Name, c.Value)
		}
		for _, v := range []string{"other", ""} {
			if _, isChoice := d.Choice(v); !isChoice {
				ch <- prometheus.MustNewConstMetric(descFields, prometheus.GaugeValue, float64(counts[v]), d.Name, v)
			}
		}
	}
}
