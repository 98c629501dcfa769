package main

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"net"
	"net/mail"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"incidentd/mailin"
	"incidentd/workflow"
)

// Config is the TOML configuration (config.example.toml documents every key).
type Config struct {
	IMAP      IMAPConfig      `toml:"imap"`
	SMTP      SMTPConfig      `toml:"smtp"`
	Workflow  WorkflowConfig  `toml:"workflow"`
	Security  SecurityConfig  `toml:"security"`
	Storage   StorageConfig   `toml:"storage"`
	Schedule  ScheduleConfig  `toml:"schedule"`
	Templates TemplatesConfig `toml:"templates"`
	Metrics   MetricsConfig   `toml:"metrics"`
	HTTP      HTTPConfig      `toml:"http"`
	OAuth2    OAuth2Config    `toml:"oauth2"`
	// Fields are the [[fields]] entries: the organization's own report
	// fields, and changes to the built-in ones.
	Fields []workflow.FieldDef `toml:"fields"`
	Routes []RouteConfig       `toml:"routes"`
	// dir is the directory of the configuration file: relative paths
	// start there.
	dir string
	// now is the clock of the daemon's intake, outbox and scheduled
	// jobs; nil for time.Now. Tests move it.
	now func() time.Time
}

// Secret is a credential read from an environment variable or a file,
// never only from the configuration file.
type Secret struct {
	PasswordEnv  string `toml:"password_env"`
	PasswordFile string `toml:"password_file"`
}

// IMAPConfig is where incoming mail is read.
type IMAPConfig struct {
	Address           string   `toml:"address"`
	TLS               string   `toml:"tls"`
	Username          string   `toml:"username"`
	Mailbox           string   `toml:"mailbox"`
	ProcessedMailbox  string   `toml:"processed_mailbox"`
	QuarantineMailbox string   `toml:"quarantine_mailbox"`
	PollInterval      Duration `toml:"poll_interval"`
	Connection
	Secret
}

// SMTPConfig is where notifications are sent.
type SMTPConfig struct {
	Address  string `toml:"address"`
	TLS      string `toml:"tls"`
	Username string `toml:"username"`
	From     string `toml:"from"`
	Connection
	Secret
}

// WorkflowConfig holds the organization, its roles and the defaults.
type WorkflowConfig struct {
	Domains         []string `toml:"domains"`
	Evaluators      []string `toml:"evaluators"`
	Resolvers       []string `toml:"resolvers"`
	Validators      []string `toml:"validators"`
	Admins          []string `toml:"admins"`
	DefaultType     string   `toml:"default_type"`
	DefaultPriority string   `toml:"default_priority"`
	Language        string   `toml:"language"`
	// Languages name the language of some people's notifications, by
	// address; the others get the language they write in, else Language.
	Languages map[string]string `toml:"languages"`
	// Receipts sends whoever's mail moved, corrected or commented on an
	// incident a short confirmation. Default true.
	Receipts bool `toml:"receipts"`
	// Validation is who validates a resolution: "reporter" (the default:
	// the validators confirm or reopen it) or "none" (a resolution closes
	// the incident).
	Validation string `toml:"validation"`
	// AutoCloseAfter closes a resolved incident that nobody validated in
	// that time; empty or zero: never.
	AutoCloseAfter OptionalDuration `toml:"auto_close_after"`
	// WatchersGetComments tells the watchers of an incident of its
	// comments too, not only of its transitions. Default false.
	WatchersGetComments bool `toml:"watchers_get_comments"`
}

// SecurityConfig says how commands are authenticated.
type SecurityConfig struct {
	CommandAuth        string   `toml:"command_auth"`
	TokenSecretEnv     string   `toml:"token_secret_env"`
	TokenSecretFile    string   `toml:"token_secret_file"`
	TrustedAuthservIDs []string `toml:"trusted_authserv_ids"`
	// Rate limits of the mail sent (0: no limit).
	MaxRepliesPerSenderHour   int `toml:"max_replies_per_sender_hour"`
	MaxNoticesPerIncidentHour int `toml:"max_notices_per_incident_hour"`
}

// StorageConfig says where the database and attachments live.
type StorageConfig struct {
	Database        string `toml:"database"`
	AttachmentsDir  string `toml:"attachments_dir"`
	MaxMessageBytes int64  `toml:"max_message_bytes"`
	// Attachments over these limits are not kept (0: no limit).
	MaxAttachmentBytes int64 `toml:"max_attachment_bytes"`
	MaxAttachments     int   `toml:"max_attachments"`
}

// ScheduleConfig holds the cron-style schedules.
type ScheduleConfig struct {
	Reminders string              `toml:"reminders"`
	Digest    string              `toml:"digest"`
	Deadlines map[string]Duration `toml:"deadlines"`
	// Timezone of the schedules and of the digest's dates, e.g.
	// "Europe/Madrid"; empty for the machine's local time.
	Timezone string `toml:"timezone"`
	// DigestPeriod is how far back each digest looks.
	DigestPeriod Duration `toml:"digest_period"`
}

// TemplatesConfig names a directory whose files override the built-in
// notification templates.
type TemplatesConfig struct {
	Dir string `toml:"dir"`
}

// Duration is a time.Duration written as "30s", "4h" or "1h30m"; "7d"
// counts days and "1w" weeks.
type Duration struct{ time.Duration }

// UnmarshalText reads a duration; its error says what to write instead.
func (d *Duration) UnmarshalText(b []byte) error {
	v, ok := parseDuration(string(b))
	if !ok {
		return durationError(string(b))
	}
	d.Duration = v
	return nil
}

// OptionalDuration is a Duration that may be left empty: "" reads as
// zero, which means off.
type OptionalDuration struct{ Duration }

// UnmarshalText reads a Duration, or zero from an empty text.
func (d *OptionalDuration) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		d.Duration.Duration = 0
		return nil
	}
	return d.Duration.UnmarshalText(b)
}

// dayUnits are the units of a Duration that time.ParseDuration lacks, in
// days.
var dayUnits = map[string]int64{"d": 1, "w": 7}

// parseDuration reads a Go duration or a whole number of days or weeks.
func parseDuration(s string) (time.Duration, bool) {
	for unit, days := range dayUnits {
		if n, ok := strings.CutSuffix(s, unit); ok {
			v, err := strconv.ParseInt(n, 10, 64)
			per := days * int64(24*time.Hour)
			return time.Duration(v * per), err == nil && v <= math.MaxInt64/per && v >= -math.MaxInt64/per
		}
	}
	v, err := time.ParseDuration(s)
	return v, err == nil
}

// MarshalText writes a duration the way UnmarshalText reads it.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// writeConfig saves cfg as TOML, e.g. so that the demo's database can be
// inspected with the query commands.
func writeConfig(path string, cfg Config) error {
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(cfg); err != nil {
		return fmt.Errorf("encode configuration: %w", err)
	}
	return os.WriteFile(path, b.Bytes(), 0o600)
}

// defaultConfig is the configuration before the file is read.
func defaultConfig() Config {
	return Config{
		IMAP: IMAPConfig{TLS: "implicit", Mailbox: "INBOX", ProcessedMailbox: "Processed",
			QuarantineMailbox: "Quarantine", PollInterval: Duration{60 * time.Second}},
		SMTP: SMTPConfig{TLS: "starttls"},
		Workflow: WorkflowConfig{Validators: []string{workflow.ReporterMember}, DefaultType: "error",
			DefaultPriority: "medium", Language: "es", Receipts: true, Validation: "reporter"},
		Security: SecurityConfig{CommandAuth: "token", MaxRepliesPerSenderHour: 10, MaxNoticesPerIncidentHour: 30},
		Storage: StorageConfig{Database: "incidentd.db", AttachmentsDir: "attachments",
			MaxMessageBytes: 25 << 20, MaxAttachmentBytes: 10 << 20, MaxAttachments: 20},
		Schedule: ScheduleConfig{Reminders: "@every 1h", Digest: "0 8 * * MON", DigestPeriod: Duration{7 * 24 * time.Hour}},
	}
}

// loadConfig reads path over the defaults and validates everything the
// daemon uses, returning every problem at once.
func loadConfig(path string) (Config, error) {
	return loadChecked(path, (*Config).validate)
}

// loadChecked reads path over the defaults and checks it with validate
// (validate, or less for the commands that use less), returning every
// problem at once.
func loadChecked(path string, validate func(*Config) []error) (Config, error) {
	c, md, problems, ok := decodeConfig(path)
	if !ok {
		return c, errors.Join(problems...)
	}
	for _, k := range md.Undecoded() {
		problems = append(problems, fmt.Errorf("unknown key %s", k))
	}
	problems = append(problems, validate(&c)...)
	return c, errors.Join(problems...)
}

// validate checks every key: what run and check-config need.
func (c *Config) validate() []error {
	return checkKeys(c.validateServers, c.validateWorkflow, c.validateFields, c.validateRoutes, c.validateSecurity, c.validateSchedule,
		c.validateMetrics, c.validateHTTP, c.validateOAuth2, c.validateMail, c.validateStorageKeys,
		c.validateStorage, c.validateSecrets)
}

// validateRecords checks the keys of the commands that only read or tend
// the database (list, show, stats, outbox): the storage, the metrics and
// the report form.
// Not the mail servers, nor the secrets, which the daemon's environment
// may hold alone.
func (c *Config) validateRecords() []error {
	return checkKeys(c.validateStorageKeys, c.validateMetrics, c.validateFields)
}

// validateIntake checks, besides the records' keys, those with which
// incoming mail is read (parse): the workflow, the service's own address
// and the security policy.
func (c *Config) validateIntake() []error {
	return checkKeys(c.validateStorageKeys, c.validateMetrics, c.validateWorkflow, c.validateFields, c.validateRoutes, c.validateFrom, c.validateSecurity)
}

// checkKeys runs checks, each of which reports the problems of some keys
// with bad, and returns every problem.
func checkKeys(checks ...func(bad func(key, format string, args ...any))) []error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	for _, check := range checks {
		check(bad)
	}
	return errs
}

// oneOf reports v under key unless it is one of allowed.
func oneOf(bad func(key, format string, args ...any), key, v string, allowed ...string) {
	if !slices.Contains(allowed, v) {
		bad(key, "%q is not one of %s", v, strings.Join(allowed, ", "))
	}
}

// validateServers checks how the mail servers are reached.
func (c *Config) validateServers(bad func(key, format string, args ...any)) {
	for _, a := range []struct{ key, v string }{{"imap.address", c.IMAP.Address}, {"smtp.address", c.SMTP.Address}} {
		if _, _, err := net.SplitHostPort(a.v); err != nil {
			bad(a.key, "%q is not host:port", a.v)
		}
	}
	oneOf(bad, "imap.tls", c.IMAP.TLS, "implicit", "starttls", "none")
	oneOf(bad, "smtp.tls", c.SMTP.TLS, "implicit", "starttls", "none")
	if c.IMAP.Username == "" {
		bad("imap.username", "is required")
	}
	if c.IMAP.PollInterval.Duration <= 0 {
		bad("imap.poll_interval", "must be positive")
	}
	c.validateFrom(bad)
}

// validateFrom checks smtp.from, the service's own address.
func (c *Config) validateFrom(bad func(key, format string, args ...any)) {
	if _, err := mail.ParseAddress(c.SMTP.From); err != nil {
		bad("smtp.from", "%q is not an address: %v", c.SMTP.From, err)
	}
}

// validateWorkflow checks the organization, its roles and the defaults.
func (c *Config) validateWorkflow(bad func(key, format string, args ...any)) {
	if len(c.Workflow.Domains) == 0 {
		bad("workflow.domains", "name at least one domain of the organization")
	}
	for key, list := range map[string][]string{"workflow.evaluators": c.Workflow.Evaluators,
		"workflow.resolvers": c.Workflow.Resolvers, "workflow.admins": c.Workflow.Admins, "workflow.validators": c.Workflow.Validators} {
		for _, a := range list {
			if a == workflow.ReporterMember && key == "workflow.validators" {
				continue
			}
			if _, err := mail.ParseAddress(a); err != nil {
				bad(key, "%q is not an address", a)
			}
		}
	}
	if _, ok := workflow.ParseType(c.Workflow.DefaultType); !ok {
		bad("workflow.default_type", "%q is not a type (error, improvement, feature, task)", c.Workflow.DefaultType)
	}
	if _, ok := workflow.ParsePriority(c.Workflow.DefaultPriority); !ok {
		bad("workflow.default_priority", "%q is not a priority (critical, high, medium, low)", c.Workflow.DefaultPriority)
	}
	oneOf(bad, "workflow.language", c.Workflow.Language, "es", "en")
	for _, addr := range slices.Sorted(maps.Keys(c.Workflow.Languages)) {
		key := fmt.Sprintf("workflow.languages.%q", addr)
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr || a.Name != "" {
			bad(key, "%q is not an address", addr)
		}
		oneOf(bad, key, c.Workflow.Languages[addr], "es", "en")
	}
	oneOf(bad, "workflow.validation", c.Workflow.Validation, "reporter", "none")
	if c.autoCloseAfter() < 0 {
		bad("workflow.auto_close_after", "must not be negative (empty or zero: never)")
	}
}

// validateStorageKeys checks the [storage] values; validateStorage
// checks that its paths can be made.
func (c *Config) validateStorageKeys(bad func(key, format string, args ...any)) {
	if c.Storage.Database == "" {
		bad("storage.database", "is required")
	}
	if c.Storage.MaxMessageBytes <= 0 {
		bad("storage.max_message_bytes", "must be positive")
	}
	if c.Storage.MaxAttachmentBytes < 0 || c.Storage.MaxAttachments < 0 {
		bad("storage.max_attachment_bytes", "limits must not be negative (0 means no limit)")
	}
}

// validateSecrets checks that the mail passwords and the token secret
// can be read.
func (c *Config) validateSecrets(bad func(key, format string, args ...any)) {
	s := c.Security
	if _, err := s.tokenSecret(c.dir); err != nil && (s.CommandAuth == mailin.AuthToken || !errors.Is(err, errNoTokenSecret)) {
		key := "security.token_secret_env"
		if s.TokenSecretFile != "" {
			key = "security.token_secret_file"
		}
		bad(key, "%v", err)
	}
	// A server logged in to with OAuth2 needs no password.
	if !c.IMAP.oauth2() {
		if _, err := c.IMAP.password(c.dir); err != nil {
			bad("imap."+c.IMAP.Secret.key(), "%v", err)
		}
	}
	if c.SMTP.Username != "" && !c.SMTP.oauth2() && c.SMTP.Auth != "none" {
		if _, err := c.SMTP.password(c.dir); err != nil {
			bad("smtp."+c.SMTP.Secret.key(), "%v", err)
		}
	}
}

// key is the key that names the secret: password_file when it is set.
func (s Secret) key() string {
	if s.PasswordFile != "" {
		return "password_file"
	}
	return "password_env"
}

// password reads the secret from its environment variable or file; a
// relative file is in base, the configuration's directory.
func (s Secret) password(base string) (string, error) {
	switch {
	case s.PasswordFile != "":
		b, err := os.ReadFile(resolve(base, s.PasswordFile))
		if err != nil {
			return "", fmt.Errorf("read password file: %w", err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	case s.PasswordEnv != "":
		return lookupSecretEnv(s.PasswordEnv)
	}
	return "", errors.New("set password_env or password_file")
}

// roles are the workflow roles of the configuration.
func (c *Config) roles() workflow.Roles {
	w := c.Workflow
	return workflow.Roles{Domains: w.Domains, Evaluators: w.Evaluators, Resolvers: w.Resolvers,
		Validators: w.Validators, Admins: w.Admins, NoValidation: w.Validation == "none",
		WatchersGetComments: w.WatchersGetComments, Routes: c.routes()}
}

// languages are the configured languages of people's notifications, by
// lower-case address.
func (c *Config) languages() map[string]string {
	out := make(map[string]string, len(c.Workflow.Languages))
	for addr, lang := range c.Workflow.Languages {
		out[strings.ToLower(addr)] = lang
	}
	return out
}

// defaults are the fields a report gets when it names no type or priority.
func (c *Config) defaults() workflow.Fields {
	t, _ := workflow.ParseType(c.Workflow.DefaultType)
	p, _ := workflow.ParsePriority(c.Workflow.DefaultPriority)
	return workflow.Fields{Type: t, Priority: p}
}
