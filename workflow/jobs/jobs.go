// Package jobs owns the work incidentd does on a schedule rather than in
// answer to a mail: reminding whoever must act on an incident that waits
// past its priority's deadline, escalating to the admins one that waits
// past twice that, closing a resolved incident nobody validated in the
// time allowed, and the periodic digest of the organization's numbers.
//
// Each run reads the store, applies the pure rules of package workflow
// (Remind, AutoClose, Measure) and queues the notices in the outbox in the same
// transaction that records them in the incident's history, so a run
// repeated after a crash sends nothing twice. When to run is the caller's
// business (the daemon uses cron schedules).
package jobs

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"incidentd/workflow"
	"incidentd/workflow/identity"
	"incidentd/workflow/store"
)

// Options configure the Jobs.
type Options struct {
	// Store holds the incidents and the outbox. Required.
	Store *store.Store
	// Roles say who acts on an incident and who the admins are.
	Roles workflow.Roles
	// Deadlines per priority; a priority without one is never reminded of.
	Deadlines workflow.Deadlines
	// AutoCloseAfter is how long a resolved incident waits for validation
	// before AutoClose closes it. Default (zero): never.
	AutoCloseAfter time.Duration
	// Categories group rejection reasons in the digest. Default:
	// workflow.DefaultReasonCategories().
	Categories []workflow.ReasonCategory
	// Form is the report form: the digest groups the figures by its
	// choice fields too. Default: the built-in form.
	Form workflow.Form
	// DigestPeriod is how far back the digest looks. Default: 7 days.
	DigestPeriod time.Duration
	// Identity is the service's own: its address is the actor of the
	// reminders in the incident's history, and it makes the Message-IDs of
	// the notices a run queues. Required, with an address.
	Identity identity.Identity
	// Location is the time zone of the digest's period. Default: time.Local.
	Location *time.Location
	// Queued is called after a run committed notices, e.g. to wake the
	// outbox dispatcher. Optional.
	Queued func()
	// Logger receives a line per run that did something. Default: discard.
	Logger *slog.Logger
	// Now is the clock. Default: time.Now.
	Now func() time.Time
}

// Jobs runs the scheduled work. It is safe for concurrent use, though
// each job is meant to run one at a time.
type Jobs struct{ o Options }

// New checks o and fills in its defaults.
func New(o Options) (*Jobs, error) {
	var errs []error
	if o.Store == nil {
		errs = append(errs, errors.New("jobs: Store is required"))
	}
	if addr := o.Identity.Address(); !strings.Contains(addr, "@") {
		errs = append(errs, fmt.Errorf("jobs: Identity's address %q is not an address", addr))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if o.Categories == nil {
		o.Categories = workflow.DefaultReasonCategories()
	}
	if o.DigestPeriod <= 0 {
		o.DigestPeriod = 7 * 24 * time.Hour
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Jobs{o: o}, nil
}

func (j *Jobs) queued(n int) {
	if n > 0 && j.o.Queued != nil {
		j.o.Queued()
	}
}
