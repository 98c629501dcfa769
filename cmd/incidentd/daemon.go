package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"incidentd/mailauth"
	"incidentd/mailin"
	"incidentd/mailin/imap"
	"incidentd/mailout"
	"incidentd/workflow/identity"
	"incidentd/workflow/store"
)

// daemon is the running product: the store, the processor of incoming
// mail and the dispatcher of the outbox, wired from a Config.
type daemon struct {
	cfg        Config
	store      *store.Store
	processor  *mailin.Processor
	dispatcher *mailout.Dispatcher
	// identity is the service's own, shared by the processor, the
	// dispatcher and the scheduled jobs.
	identity identity.Identity
	log      *slog.Logger
	// imap is how to reach the IMAP server and log in.
	imap imap.Options
	// imapStatus and smtpStatus are how the latest logins went, for
	// /healthz and /metrics.
	imapStatus, smtpStatus *mailauth.Status
	// imapUp says whether the IMAP session is logged in, for /healthz.
	imapUp atomic.Bool
}

// openStore opens the configured database; relative paths are taken from
// the directory of the configuration file.
func openStore(ctx context.Context, cfg Config, base string) (*store.Store, error) {
	st, err := store.Open(ctx, resolve(base, cfg.Storage.Database), resolve(base, cfg.Storage.AttachmentsDir))
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return st, nil
}

func resolve(base, p string) string {
	if p == "" || filepath.IsAbs(p) || base == "" {
		return p
	}
	return filepath.Join(base, p)
}

func newDaemon(ctx context.Context, cfg Config, base string, log *slog.Logger) (*daemon, error) {
	st, err := openStore(ctx, cfg, base)
	if err != nil {
		return nil, err
	}
	d := &daemon{cfg: cfg, store: st, log: log,
		imapStatus: &mailauth.Status{Server: "imap", Logger: log.With("part", "imap")},
		smtpStatus: &mailauth.Status{Server: "smtp", Logger: log.With("part", "outbox")}}
	tokens, err := cfg.tokenSource(base, log)
	if err != nil {
		st.Close()
		return nil, err
	}
	var smtp mailout.SMTPOptions
	if d.imap, smtp, err = cfg.connections(tokens); err != nil {
		st.Close()
		return nil, err
	}
	d.imap.Status, smtp.Status = d.imapStatus, d.smtpStatus
	key, err := cfg.tokenKey(log)
	if err != nil {
		st.Close()
		return nil, err
	}
	for _, w := range cfg.warnings() {
		log.Warn("insecure configuration", "problem", w)
	}
	d.identity = cfg.identity(key)
	d.dispatcher, err = mailout.NewDispatcher(mailout.Options{
		From:        cfg.SMTP.From,
		Language:    cfg.Workflow.Language,
		Languages:   cfg.languages(),
		TemplateDir: resolve(base, cfg.Templates.Dir),
		Roles:       cfg.roles(),
		Form:        cfg.form(),
		SMTP:        smtp,
		Store:       st,
		Logger:      log.With("part", "outbox"),
		Identity:    d.identity,
		Now:         cfg.now,
	})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("outbox: %w", err)
	}
	d.processor = newProcessor(cfg, st, d.identity, log)
	d.processor.Committed = d.dispatcher.Offer
	return d, nil
}

// newProcessor is the processor of incoming mail of a configuration;
// ident is the service's identity.
func newProcessor(cfg Config, st *store.Store, ident identity.Identity, log *slog.Logger) *mailin.Processor {
	return &mailin.Processor{
		Store:              st,
		Roles:              cfg.roles(),
		Defaults:           cfg.defaults(),
		Form:               cfg.form(),
		Identity:           ident,
		MaxMessageBytes:    cfg.Storage.MaxMessageBytes,
		CommandAuth:        cfg.Security.CommandAuth,
		TrustedAuthservIDs: cfg.Security.TrustedAuthservIDs,
		Limits:             cfg.limits(),
		Receipts:           cfg.Workflow.Receipts,
		Logger:             log.With("part", "intake"),
		Now:                cfg.now,
	}
}

// run reads mail and sends notifications until ctx is done, then lets the
// transaction in flight finish.
func (d *daemon) run(ctx context.Context) error {
	stopExtras, err := d.startExtras(ctx)
	if err != nil {
		return err
	}
	defer stopExtras()
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := d.dispatcher.Run(ctx); err != nil {
			d.log.Error("outbox stopped", "error", err)
		}
	})
	o := d.imap
	o.Checkpoints, o.Connected, o.Logger = checkpoints{d.store}, d.imapUp.Store, d.log.With("part", "imap")
	err = imap.Watch(ctx, o, d.processor)
	wg.Wait()
	d.flush()
	return err
}

// flush sends, on shutdown, what can be sent quickly; the rest waits in
// the outbox for the next start.
func (d *daemon) flush() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.dispatcher.Flush(ctx); err != nil {
		d.log.Warn("outbox not flushed; it is sent at the next start", "error", err)
	}
}

func (d *daemon) close() {
	if err := d.store.Close(); err != nil {
		d.log.Error("close store", "error", err)
	}
}
