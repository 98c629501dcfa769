package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"incidentd/mailservers/memory"
	"incidentd/workflow"
)

// demoDomain and the demo users: one per role, and the product's mailbox.
const (
	demoDomain   = "example.com"
	demoPassword = "demo"
)

var demoUsers = []struct{ name, role string }{
	{"incidents", "the incidentd mailbox (the daemon reads it)"},
	{"carol", "reporter: mail incidents@example.com to report a problem"},
	{"alice", "evaluator: ACCEPT / REJECT: reason"},
	{"bob", "resolver: RESOLVED / INFO: question / REJECT: reason"},
	{"ops", "admin"},
	{"dave", "colleague: copied on a report, or after SEGUIR / WATCH, told of each step"},
}

func demoAddr(name string) string { return name + "@" + demoDomain }

// demoConfig is the configuration of the daemon in the demo: plain
// loopback servers, the demo users in their roles.
func demoConfig(sys *memory.System, dir string) (Config, error) {
	cfg := defaultConfig()
	pwFile := filepath.Join(dir, "password")
	if err := os.WriteFile(pwFile, []byte(demoPassword), 0o600); err != nil {
		return cfg, fmt.Errorf("write demo password: %w", err)
	}
	cfg.IMAP = IMAPConfig{Address: sys.IMAPAddr, TLS: "none", Username: demoAddr("incidents"),
		Mailbox: "INBOX", ProcessedMailbox: "Processed", QuarantineMailbox: "Quarantine",
		PollInterval: Duration{5 * time.Second}, Secret: Secret{PasswordFile: pwFile}}
	cfg.SMTP = SMTPConfig{Address: sys.SMTPAddr, TLS: "none", From: "Incidents <" + demoAddr("incidents") + ">"}
	cfg.Workflow.Domains = []string{demoDomain}
	cfg.Workflow.Evaluators = []string{demoAddr("alice")}
	cfg.Workflow.Resolvers = []string{demoAddr("bob")}
	cfg.Workflow.Validators = []string{workflow.ReporterMember}
	cfg.Workflow.Admins = []string{demoAddr("ops")}
	secretFile := filepath.Join(dir, "token-secret")
	if err := os.WriteFile(secretFile, randomSecret(), 0o600); err != nil {
		return cfg, fmt.Errorf("write demo token secret: %w", err)
	}
	cfg.Security.TokenSecretFile = secretFile
	cfg.Storage.Database = filepath.Join(dir, "incidentd.db")
	cfg.Storage.AttachmentsDir = filepath.Join(dir, "attachments")
	if errs := cfg.validate(); len(errs) > 0 {
		return cfg, errors.Join(errs...)
	}
	return cfg, nil
}

func cmdDemo(ctx context.Context, e env, args []string) error {
	fs := flags("demo", e)
	scenario := fs.Bool("scenario", false, "play one incident's whole life through the real protocols, print each mail, and exit")
	imapAddr := fs.String("imap", "127.0.0.1:1143", "IMAP listen `address` (127.0.0.1:0 for any free port)")
	smtpAddr := fs.String("smtp", "127.0.0.1:1025", "SMTP listen `address` (127.0.0.1:0 for any free port)")
	dataDir := fs.String("data", "", "keep the database and attachments in this `directory` (default: a temporary one)")
	lang := fs.String("lang", "es", "language of the notifications: es or en")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log := e.log
	if *scenario {
		log = quietLogger(e)
	}
	users := map[string]string{}
	for _, u := range demoUsers {
		users[u.name] = demoPassword
	}
	sys, err := memory.Start(memory.Options{Domain: demoDomain, Users: users,
		IMAPAddr: *imapAddr, SMTPAddr: *smtpAddr, Logger: log.With("part", "demo-mail")})
	if err != nil {
		return fmt.Errorf("start demo mail servers: %w", err)
	}
	defer sys.Close()
	dir := *dataDir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "incidentd-demo-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cfg, err := demoConfig(sys, dir)
	if err != nil {
		return err
	}
	cfg.Workflow.Language = *lang
	if err := writeConfig(filepath.Join(dir, "incidentd.toml"), cfg); err != nil {
		return err
	}
	d, err := newDaemon(ctx, cfg, "", log)
	if err != nil {
		return err
	}
	defer d.close()
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var runErr error
	wg.Go(func() { runErr = d.run(ctx) })
	defer func() {
		cancel()
		wg.Wait()
	}()
	if *scenario {
		err := playScenario(ctx, newDemoClient(sys, e.stdout))
		if err == nil {
			fmt.Fprintln(e.stdout, "\nScenario complete. The incidents as stored:")
			err = d.store.View(ctx, printAll(e.stdout, d.cfg.form(), d.cfg.roles()))
		}
		return err
	}
	printDemoHelp(e, sys, dir, *dataDir == "")
	<-ctx.Done()
	wg.Wait()
	return runErr
}

func printDemoHelp(e env, sys *memory.System, dir string, temporary bool) {
	var b strings.Builder
	fmt.Fprintf(&b, "\nincidentd demo is running. Point any mail client at it:\n\n")
	fmt.Fprintf(&b, "  IMAP  %s  (no TLS; plain password login)\n  SMTP  %s  (no TLS; authentication optional)\n\n", sys.IMAPAddr, sys.SMTPAddr)
	fmt.Fprintf(&b, "  users (password %q for all):\n", demoPassword)
	for _, u := range demoUsers {
		fmt.Fprintf(&b, "    %-22s %s\n", demoAddr(u.name), u.role)
	}
	fmt.Fprintf(&b, "\nAs carol, mail incidents@%s with the problem in the subject and, optionally,\n", demoDomain)
	b.WriteString("lines such as \"Prioridad: Alta\", \"Tipo: Error\", \"Sistema: Nóminas\", \"Pasos para recrear el error: ...\".\n")
	b.WriteString("Then log in as alice, bob and carol and answer the notifications with the keywords they name.\n")
	fmt.Fprintf(&b, "\nData: %s", dir)
	if temporary {
		b.WriteString(" (removed when the demo stops; -data DIR keeps it)")
	}
	b.WriteString("\nInspect it with:\n")
	exe, err := os.Executable()
	if err != nil {
		e.log.Debug("the path of this program is unknown", "error", err)
	}
	for _, line := range inspectCommands(demoProgram(exe), filepath.Join(dir, "incidentd.toml")) {
		fmt.Fprintf(&b, "  %s\n", line)
	}
	b.WriteString("Stop with Ctrl-C.\n")
	fmt.Fprint(e.stdout, b.String())
}

// inspectCommands are the query commands the demo's banner offers, each
// as it can be run: program runs incidentd, config is the demo's
// configuration.
func inspectCommands(program, config string) []string {
	var lines []string
	for _, cmd := range []string{"list", "show", "stats", "outbox"} {
		line := fmt.Sprintf("%s %s -config %s", program, cmd, config)
		if cmd == "show" {
			line += " 1"
		}
		lines = append(lines, line)
	}
	return lines
}

// demoProgram is how the user can run this program again: the path of its
// executable exe, or go run when exe is a temporary build of go run (or
// unknown).
func demoProgram(exe string) string {
	if exe == "" || strings.HasPrefix(exe, filepath.Join(os.TempDir(), "go-build")) {
		return "go run ./cmd/incidentd"
	}
	return exe
}
