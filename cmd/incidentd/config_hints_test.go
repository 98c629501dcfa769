package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hintsConfig is a valid configuration; each case of TestConfigHints
// replaces the first occurrence of a text in it.
const hintsConfig = `[imap]
address = "imap.example.com:993"
username = "incidents@example.com"
password_env = "INCIDENTD_TEST_IMAP_PASSWORD"
poll_interval = "60s"

[smtp]
address = "smtp.example.com:587"
username = "incidents@example.com"
password_env = "INCIDENTD_TEST_SMTP_PASSWORD"
from = "Incidents <incidents@example.com>"

[workflow]
domains = ["example.com"]

[security]
token_secret_env = "INCIDENTD_TEST_TOKEN_SECRET"

[storage]
database = "data/incidentd.db"
attachments_dir = "data/attachments"

[schedule]
deadlines = { critical = "4h", high = "1d" }
`

// TestConfigHints checks the exact messages of check-config for the usual
// mistakes: all of them at once, each with its key, the form that works,
// and never the value of a secret.
func TestConfigHints(t *testing.T) {
	t.Setenv("INCIDENTD_TEST_IMAP_PASSWORD", "x")
	t.Setenv("INCIDENTD_TEST_SMTP_PASSWORD", "y")
	t.Setenv("INCIDENTD_TEST_TOKEN_SECRET", "a secret of sixteen bytes or more")
	const notName = "the value is not a variable name (it looks like a password: " +
		"put the password in an environment variable or a file, and name the variable here)"
	const units = `write a number and a unit, as in "90s", "15m", "4h" or "7d" (units: s, m, h, d for days, w for weeks)`
	for _, tc := range []struct {
		name     string
		old, new string
		// want are the problems, in order; {file} is the configuration
		// and {dir} its directory. None: the configuration is valid.
		want []string
		// secret must not appear in the output.
		secret string
	}{
		{name: "valid"},
		{name: "weeks", old: `high = "1d"`, new: `high = "1w"`},
		{name: "unquoted duration", old: `poll_interval = "60s"`, new: `poll_interval = 1 minute`,
			want: []string{`{file}:5:18: imap.poll_interval: quote the duration: poll_interval = "1m" (units: s, m, h, d for days, w for weeks)`}},
		{name: "unquoted valid duration", old: `poll_interval = "60s"`, new: `poll_interval = 4h`,
			want: []string{`{file}:5:18: imap.poll_interval: quote the duration: poll_interval = "4h" (units: s, m, h, d for days, w for weeks)`}},
		{name: "unquoted string", old: `username = "incidents@example.com"`, new: `username = incidents@example.com # the box`,
			want: []string{`{file}:3:12: imap.username: strings need quotes: username = "incidents@example.com"`}},
		{name: "unquoted variable name", old: `password_env = "INCIDENTD_TEST_IMAP_PASSWORD"`, new: `password_env = INCIDENTD_TEST_IMAP_PASSWORD`,
			want: []string{`{file}:4:16: imap.password_env: strings need quotes: password_env = "INCIDENTD_TEST_IMAP_PASSWORD"`}},
		{name: "unquoted password", old: `password_env = "INCIDENTD_TEST_IMAP_PASSWORD"`, new: `password_env = hunter2!`,
			want: []string{`{file}:4:16: imap.password_env: ` + notName}, secret: "hunter"},
		{name: "unquoted password file", old: `password_env = "INCIDENTD_TEST_IMAP_PASSWORD"`, new: `password_file = s3cr3t`,
			want: []string{`{file}:4:17: imap.password_file: strings need quotes: password_file = "..."`}, secret: "s3cr3t"},
		{name: "broken line of a secret", old: `password_env = "INCIDENTD_TEST_IMAP_PASSWORD"`, new: `password_env = "hunter2" x`,
			want: []string{`{file}:4:25: imap.password_env: the line is not valid TOML (its value is not shown: it may hold a secret)`}, secret: "hunter"},
		{name: "password in password_env", old: `password_env = "INCIDENTD_TEST_IMAP_PASSWORD"`, new: `password_env = "hunter2!"`,
			want: []string{`imap.password_env: ` + notName}, secret: "hunter"},
		{name: "password in smtp.password_env", old: `password_env = "INCIDENTD_TEST_SMTP_PASSWORD"`, new: `password_env = "s3cr3tpass"`,
			want: []string{`smtp.password_env: ` + notName}, secret: "s3cr3t"},
		{name: "password in token_secret_env", old: `token_secret_env = "INCIDENTD_TEST_TOKEN_SECRET"`, new: `token_secret_env = "correct horse battery"`,
			want: []string{`security.token_secret_env: ` + notName}, secret: "horse"},
		{name: "variable not set", old: `password_env = "INCIDENTD_TEST_IMAP_PASSWORD"`, new: `password_env = "INCIDENTD_TEST_UNSET"`,
			want: []string{`imap.password_env: environment variable INCIDENTD_TEST_UNSET is not set`}},
		{name: "spanish hours", old: `critical = "4h"`, new: `critical = "4 horas"`,
			want: []string{`schedule.deadlines.critical: "4 horas" is not a duration: write "4h"`}},
		{name: "english minute", old: `poll_interval = "60s"`, new: `poll_interval = "1 minute"`,
			want: []string{`imap.poll_interval: "1 minute" is not a duration: write "1m"`}},
		{name: "abbreviation", old: `poll_interval = "60s"`, new: `poll_interval = "30 mins"`,
			want: []string{`imap.poll_interval: "30 mins" is not a duration: write "30m"`}},
		{name: "spanish days", old: `high = "1d"`, new: `high = "2 días"`,
			want: []string{`schedule.deadlines.high: "2 días" is not a duration: write "2d"`}},
		{name: "spanish week", old: `high = "1d"`, new: `high = "1 semana"`,
			want: []string{`schedule.deadlines.high: "1 semana" is not a duration: write "1w"`}},
		{name: "two units", old: `critical = "4h"`, new: `critical = "1 hour 30 minutes"`,
			want: []string{`schedule.deadlines.critical: "1 hour 30 minutes" is not a duration: write "1h30m"`}},
		{name: "unclear", old: `critical = "4h"`, new: `critical = "soon"`,
			want: []string{`schedule.deadlines.critical: "soon" is not a duration: ` + units}},
		{name: "no unit", old: `poll_interval = "60s"`, new: `poll_interval = 60`,
			want: []string{`imap.poll_interval: "60" is not a duration: ` + units}},
		{name: "every problem at once", old: `deadlines = { critical = "4h", high = "1d" }`,
			new: "deadlines = { critical = \"4 horas\", high = \"1 week\" }\ndigest_period = \"2 semanas\"\ncolour = \"blue\"\ntimezone = \"Mars/Olympus\"",
			want: []string{
				`schedule.deadlines.critical: "4 horas" is not a duration: write "4h"`,
				`schedule.deadlines.high: "1 week" is not a duration: write "1w"`,
				`schedule.digest_period: "2 semanas" is not a duration: write "2w"`,
				`unknown key schedule.colour`,
				`schedule.timezone: unknown time zone "Mars/Olympus"`,
			}},
		// A relative file is in the configuration's directory, wherever
		// the command runs.
		{name: "relative password file", old: `password_env = "INCIDENTD_TEST_SMTP_PASSWORD"`, new: `password_file = "file"`},
		{name: "missing password file", old: `password_env = "INCIDENTD_TEST_IMAP_PASSWORD"`, new: `password_file = "secrets/imap"`,
			want: []string{`imap.password_file: read password file: open {dir}/secrets/imap: no such file or directory`}},
		{name: "relative token secret file", old: `token_secret_env = "INCIDENTD_TEST_TOKEN_SECRET"`, new: `token_secret_file = "file"`,
			want: []string{`security.token_secret_file: the token secret must hold at least 16 bytes`}},
		{name: "database under a file", old: `database = "data/incidentd.db"`, new: `database = "file/incidentd.db"`,
			want: []string{`storage.database: cannot create {dir}/file/incidentd.db: {dir}/file is not a directory`}},
		{name: "attachments under a file", old: `attachments_dir = "data/attachments"`, new: `attachments_dir = "file/sub/attachments"`,
			want: []string{`storage.attachments_dir: cannot create {dir}/file/sub/attachments: {dir}/file is not a directory`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(hintsConfig, tc.old) {
				t.Fatalf("the configuration lacks %q", tc.old)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "incidentd.toml")
			if err := os.WriteFile(path, []byte(strings.Replace(hintsConfig, tc.old, tc.new, 1)), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o600); err != nil {
				t.Fatal(err)
			}
			var out, errOut strings.Builder
			code := runMain(t.Context(), []string{"check-config", "-config", path}, nil, &out, &errOut)
			wantOut, wantErr, wantCode := path+": configuration is valid\n", "", 0
			if tc.want != nil {
				r := strings.NewReplacer("{file}", path, "{dir}", dir)
				wantOut, wantCode = "", 1
				wantErr = r.Replace("incidentd check-config: {file} has problems:\n" + strings.Join(tc.want, "\n") + "\n")
			}
			if code != wantCode || out.String() != wantOut || errOut.String() != wantErr {
				t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s\nwant exit %d, stdout:\n%s\nstderr:\n%s",
					code, out.String(), errOut.String(), wantCode, wantOut, wantErr)
			}
			if tc.secret != "" && strings.Contains(out.String()+errOut.String(), tc.secret) {
				t.Errorf("the output shows the secret %q", tc.secret)
			}
			if _, err := os.Stat(filepath.Join(dir, "data")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("check-config created the storage directory: %v", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 2 {
				t.Errorf("check-config left files behind: %v", entries)
			}
		})
	}
}

// TestDurationText checks the units of a Duration, and that what
// MarshalText writes UnmarshalText reads back.
func TestDurationText(t *testing.T) {
	for text, want := range map[string]time.Duration{
		"90s": 90 * time.Second, "1h30m": 90 * time.Minute, "7d": 7 * 24 * time.Hour,
		"1w": 7 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "-1d": -24 * time.Hour,
	} {
		var d Duration
		if err := d.UnmarshalText([]byte(text)); err != nil || d.Duration != want {
			t.Errorf("%q: %v, %v; want %v", text, d.Duration, err, want)
		}
		b, err := d.MarshalText()
		var back Duration
		if err != nil || back.UnmarshalText(b) != nil || back != d {
			t.Errorf("%q: written as %q, read back as %v (%v)", text, b, back, err)
		}
	}
	for _, text := range []string{"", "1.5d", "d", "w", "1 w", "99999999999999d", "1M"} {
		var d Duration
		if err := d.UnmarshalText([]byte(text)); err == nil {
			t.Errorf("%q read as %v", text, d.Duration)
		}
	}
}
