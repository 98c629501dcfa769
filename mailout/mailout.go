// Package mailout owns sending the mail incidentd writes: the dispatcher
// that sends the outbox over SMTP, over a few SMTP connections at once,
// each reused for many mails, with jittered exponential backoff for
// temporary failures and a permanent "failed" state for mail the server
// refuses with a 5xx reply. No row of the outbox is ever dropped: each
// attempt ends in MarkSent, MarkRetry or MarkFailed. The mails themselves
// are rendered by package mailout/render, for the server they go to.
package mailout

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"incidentd/mailauth"
	"incidentd/mailout/render"
	"incidentd/workflow"
	"incidentd/workflow/identity"
	"incidentd/workflow/store"
)

// Options configure a Dispatcher.
type Options struct {
	// From is the sender of every mail, e.g. "Incidents <incidents@example.com>".
	// Required. Its address is also the SMTP envelope sender and the X-Loop value.
	From string
	// Language of the notifications: "es" (the default) or "en". A mail
	// goes in its recipient's language: the one Languages names for them,
	// else the one they last wrote in (store.Tx.Languages), else this one.
	Language string
	// Languages are the languages of some recipients, by lower-case
	// address, as configured; they win over the language learned from
	// their mail.
	Languages map[string]string
	// TemplateDir, when set, holds template files that replace the embedded
	// ones with the same name (see package incidentd/templates).
	TemplateDir string
	// Roles say who plays which role: each mail lists the commands its
	// recipient may use now (see render.Options). Default: none.
	Roles workflow.Roles
	// Form is the report form the mails show (see render.Options).
	// Default: the built-in one.
	Form workflow.Form
	SMTP SMTPOptions
	// Store holds the outbox and the attachments. Required.
	Store *store.Store
	// Logger receives one line per failed attempt. Default: discard.
	Logger *slog.Logger
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// Identity gives each mail its Reply-To: the sub-address that carries
	// the reply token of its Message-ID. Default (the zero Identity): the
	// From address.
	Identity identity.Identity
	// BatchSize is how many due mails are read from the outbox at a time.
	// Default: 100.
	BatchSize int
	// Connections is how many SMTP connections send at once, each its own
	// share of the due mails. Default: 4.
	Connections int
}

// SMTPOptions say how to reach the SMTP server.
type SMTPOptions struct {
	// Address is "host:port". Required.
	Address string
	// TLS is "starttls" (the default; the server must offer STARTTLS),
	// "implicit" (TLS from the first byte, usually port 465) or "none".
	TLS string
	// Username and Password are used for SMTP AUTH when Username is set.
	Username, Password string
	// Auth is the SASL mechanism to log in with, one of mailauth's Auth
	// values; "" or "auto" picks the strongest the server offers.
	Auth string
	// Tokens gives the access tokens of "xoauth2" and "oauthbearer".
	Tokens mailauth.TokenSource
	// Status is told how every login went; it logs a lasting failure once.
	// Default: one that logs to Options.Logger.
	Status *mailauth.Status
	// TLSConfig overrides the TLS settings (e.g. a private CA). Default:
	// verify the server's certificate for the host of Address.
	TLSConfig *tls.Config
	// Timeout bounds dialing and each SMTP exchange. Default: 30s.
	Timeout time.Duration
}

func (o *Options) setDefaults() error {
	var errs []error
	if o.From == "" {
		errs = append(errs, errors.New("mailout: From is required"))
	}
	if o.Store == nil {
		errs = append(errs, errors.New("mailout: Store is required"))
	}
	if err := o.SMTP.setDefaults(); err != nil {
		errs = append(errs, err)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Language == "" {
		o.Language = "es"
	}
	if !slices.Contains(render.Languages(), o.Language) {
		errs = append(errs, fmt.Errorf("mailout: language %q: want one of %v", o.Language, render.Languages()))
	}
	for addr, lang := range o.Languages {
		if !slices.Contains(render.Languages(), lang) {
			errs = append(errs, fmt.Errorf("mailout: language %q of %s: want one of %v", lang, addr, render.Languages()))
		}
	}
	if o.SMTP.Status == nil {
		o.SMTP.Status = &mailauth.Status{Server: "smtp", Logger: o.Logger}
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 100
	}
	if o.Connections <= 0 {
		o.Connections = 4
	}
	return errors.Join(errs...)
}

// The values of SMTPOptions.TLS.
const (
	TLSImplicit = "implicit"
	TLSStartTLS = "starttls"
	TLSNone     = "none"
)

// setDefaults fills in the defaults of the zero fields and checks the
// others.
func (o *SMTPOptions) setDefaults() error {
	var errs []error
	if o.Address == "" {
		errs = append(errs, errors.New("mailout: SMTP.Address is required"))
	}
	switch o.TLS {
	case "":
		o.TLS = TLSStartTLS
	case TLSStartTLS, TLSImplicit, TLSNone:
	default:
		errs = append(errs, fmt.Errorf("mailout: SMTP.TLS %q: want implicit, starttls or none", o.TLS))
	}
	if err := o.setTLSConfig(); err != nil {
		errs = append(errs, fmt.Errorf("mailout: %w", err))
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	return errors.Join(errs...)
}

// setTLSConfig gives TLSConfig the name the certificate must carry when it
// names none: the host of Address.
func (o *SMTPOptions) setTLSConfig() error {
	if o.Address == "" || o.TLSConfig != nil && o.TLSConfig.ServerName != "" {
		return nil
	}
	cfg, err := mailauth.TLSOptions{}.Config(o.Address)
	if err != nil {
		return fmt.Errorf("SMTP.Address: %w", err)
	}
	if o.TLSConfig != nil {
		name := cfg.ServerName
		cfg = o.TLSConfig.Clone()
		cfg.ServerName = name
	}
	o.TLSConfig = cfg
	return nil
}
