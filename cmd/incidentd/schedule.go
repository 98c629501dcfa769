package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"incidentd/workflow"
	"incidentd/workflow/jobs"
)

// MetricsConfig says how the numbers of `incidentd stats` and the digest
// are counted.
type MetricsConfig struct {
	// RejectionCategories group rejection reasons by keywords (case- and
	// accent-insensitive; the first category that matches wins; the rest is
	// "other"). Empty: workflow.DefaultReasonCategories.
	RejectionCategories []workflow.ReasonCategory `toml:"rejection_categories"`
}

// validateSchedule checks the [schedule] keys.
func (c *Config) validateSchedule(bad func(key, format string, args ...any)) {
	for key, spec := range map[string]string{"schedule.reminders": c.Schedule.Reminders, "schedule.digest": c.Schedule.Digest} {
		if spec == "" {
			continue
		}
		if _, err := cron.ParseStandard(spec); err != nil {
			bad(key, "%q is not a cron spec: %v", spec, err)
		}
	}
	if _, err := c.location(); err != nil {
		bad("schedule.timezone", "%v", err)
	}
	if c.Schedule.DigestPeriod.Duration <= 0 {
		bad("schedule.digest_period", "must be positive")
	}
	for p, d := range c.Schedule.Deadlines {
		if _, ok := workflow.ParsePriority(p); !ok {
			bad("schedule.deadlines", "%q is not a priority", p)
		}
		if d.Duration <= 0 {
			bad("schedule.deadlines", "%s: must be positive", p)
		}
	}
}

// validateMetrics checks the [metrics] keys.
func (c *Config) validateMetrics(bad func(key, format string, args ...any)) {
	for i, cat := range c.Metrics.RejectionCategories {
		if cat.Name == "" || len(cat.Keywords) == 0 {
			bad("metrics.rejection_categories", "category %d needs a name and keywords", i+1)
		}
	}
}

// location is the time zone of the schedules.
func (c *Config) location() (*time.Location, error) {
	if c.Schedule.Timezone == "" {
		return time.Local, nil
	}
	loc, err := time.LoadLocation(c.Schedule.Timezone)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q", c.Schedule.Timezone)
	}
	return loc, nil
}

// deadlines are the reminder deadlines per priority.
func (c *Config) deadlines() workflow.Deadlines {
	out := workflow.Deadlines{}
	for p, d := range c.Schedule.Deadlines {
		if prio, ok := workflow.ParsePriority(p); ok {
			out[prio] = d.Duration
		}
	}
	return out
}

// autoCloseAfter is how long a resolved incident waits for validation;
// zero: for ever.
func (c *Config) autoCloseAfter() time.Duration { return c.Workflow.AutoCloseAfter.Duration.Duration }

// categories are the rejection categories of the metrics.
func (c *Config) categories() []workflow.ReasonCategory {
	if len(c.Metrics.RejectionCategories) > 0 {
		return c.Metrics.RejectionCategories
	}
	return workflow.DefaultReasonCategories()
}

// newJobs builds the scheduled work of the daemon; queued wakes the outbox.
func (d *daemon) newJobs(queued func()) (*jobs.Jobs, error) {
	loc, err := d.cfg.location()
	if err != nil {
		return nil, err
	}
	return jobs.New(jobs.Options{Store: d.store, Roles: d.cfg.roles(), Deadlines: d.cfg.deadlines(),
		AutoCloseAfter: d.cfg.autoCloseAfter(), Categories: d.cfg.categories(), Form: d.cfg.form(),
		DigestPeriod: d.cfg.Schedule.DigestPeriod.Duration, Identity: d.identity, Location: loc,
		Queued: queued, Now: d.cfg.now, Logger: d.log.With("part", "schedule")})
}

// scheduledJob is one job of the daemon's schedule: its name, its cron
// spec ("" when it is off) and its run.
type scheduledJob struct {
	name, spec string
	run        func(context.Context) (int, error)
}

// schedule lists the jobs of j and when they run: the reminders and the
// digest on their specs; closing the resolved incidents nobody validated
// on the reminders' spec, when [workflow] auto_close_after is set.
func (d *daemon) schedule(j *jobs.Jobs) []scheduledJob {
	autoClose := d.cfg.Schedule.Reminders
	if d.cfg.autoCloseAfter() <= 0 {
		autoClose = ""
	}
	return []scheduledJob{
		{"reminders", d.cfg.Schedule.Reminders, j.Remind},
		{"auto-close", autoClose, j.AutoClose},
		{"digest", d.cfg.Schedule.Digest, j.Digest},
	}
}

// startExtras starts the HTTP listener and the schedules; stop ends both.
func (d *daemon) startExtras(ctx context.Context) (stop func(), err error) {
	stopHTTP, failed, err := d.startHTTP(ctx)
	if err != nil {
		return nil, err
	}
	stopSchedule, err := d.startSchedule(ctx, failed)
	if err != nil {
		stopHTTP()
		return nil, err
	}
	return func() { stopSchedule(); stopHTTP() }, nil
}

// startSchedule runs the jobs of schedule on their cron specs
// until the returned stop is called; stop waits for a running job. failed
// is told of each failed run.
func (d *daemon) startSchedule(ctx context.Context, failed func(job string)) (stop func(), err error) {
	j, err := d.newJobs(d.dispatcher.Kick)
	if err != nil {
		return nil, err
	}
	loc, _ := d.cfg.location()
	log := d.log.With("part", "schedule")
	c := cron.New(cron.WithLocation(loc), cron.WithLogger(cronLogger{log}),
		cron.WithChain(cron.Recover(cronLogger{log}), cron.SkipIfStillRunning(cronLogger{log})))
	for _, job := range d.schedule(j) {
		if job.spec == "" {
			log.Info("schedule off", "job", job.name)
			continue
		}
		_, err := c.AddFunc(job.spec, func() {
			if n, err := job.run(ctx); err != nil {
				log.Error("scheduled job failed", "job", job.name, "error", err)
				failed(job.name)
			} else if n > 0 {
				log.Info("scheduled job queued mail", "job", job.name, "mails", n)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("schedule %s %q: %w", job.name, job.spec, err)
		}
	}
	c.Start()
	return func() { <-c.Stop().Done() }, nil
}

// cronLogger writes cron's messages to slog: its routine wake-ups at debug
// level, its errors (and recovered panics) as errors.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, keysAndValues ...any) {
	l.log.Debug("cron: "+msg, keysAndValues...)
}

func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	l.log.Error("cron: "+msg, append(keysAndValues, "error", err)...)
}
