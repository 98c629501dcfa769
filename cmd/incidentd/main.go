// Command incidentd turns a mailbox into an incident workflow. This
// package holds the flags, the subcommands, configuration decoding and the
// wiring of the other packages; nothing else.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"incidentd/mailin/imap"
)

const usage = `incidentd turns a mailbox into an incident workflow.

Usage:
  incidentd run -config FILE           the daemon
  incidentd demo [-scenario]           everything on one machine, no setup
  incidentd ingest [-config FILE]      process one message from standard input
  incidentd parse [-json] [-config FILE] explain how a message on standard input is read
  incidentd list [-config FILE] [-state S]
  incidentd show [-config FILE] N      an incident's fields, attachments and history
  incidentd stats [-config FILE]       counts, rejections and stage times
  incidentd outbox [-config FILE] [-state failed|pending|sent] [-retry ID|all]
                                       outgoing mail: state, attempts, last error; retry failed mail
  incidentd check-config [-connect] -config FILE
                                       every problem of a configuration at once; with
                                       -connect, also log in to both mail servers
  incidentd oauth login [-browser] -config FILE
                                       sign in once for imap/smtp auth = "xoauth2" or "oauthbearer";
                                       writes oauth2.token_file; -browser: in a browser on this
                                       machine (Gmail needs it) instead of with a device code
`

// env is what a subcommand reads and writes.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger
}

type command func(ctx context.Context, e env, args []string) error

var commands = map[string]command{
	"run":          cmdRun,
	"demo":         cmdDemo,
	"ingest":       cmdIngest,
	"parse":        cmdParse,
	"list":         cmdList,
	"show":         cmdShow,
	"stats":        cmdStats,
	"check-config": cmdCheckConfig,
	"outbox":       cmdOutbox,
	"oauth":        cmdOAuth,
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first signal stops the work gracefully; a second one exits
		// at once.
		log := slog.New(slog.NewTextHandler(os.Stderr, nil))
		log.Info("stopping: the work in hand is finished first; a second signal stops at once",
			"signal", (<-signals).String())
		cancel()
		log.Warn("stopping at once", "signal", (<-signals).String())
		os.Exit(2)
	}()
	os.Exit(runMain(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func runMain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "incidentd: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	e := env{stdin: stdin, stdout: stdout, stderr: stderr,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	if err := cmd(ctx, e, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "incidentd %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// flags is a subcommand's flag set, with -config when it takes one.
func flags(name string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("incidentd "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// parseArgs parses args with fs and returns the positional arguments.
// Flags may come before, between and after them (show -config FILE 1 and
// show 1 -config FILE alike); after "--" every argument is positional.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(positional, rest...), nil
		}
		positional, args = append(positional, rest[0]), rest[1:]
	}
}

// parseFlags parses the arguments of a subcommand that takes flags only.
func parseFlags(fs *flag.FlagSet, args []string) error {
	positional, err := parseArgs(fs, args)
	if err == nil && len(positional) > 0 {
		err = fmt.Errorf("unexpected argument %q (%s takes flags only; see -h)", positional[0], fs.Name())
	}
	return err
}

// configFlag adds -config to fs; the default is incidentd.toml in the
// working directory.
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "incidentd.toml", "configuration `file`")
}

// load reads and validates a configuration; the directory it is in is
// the base of its relative paths.
func load(path string) (Config, string, error) {
	cfg, err := loadConfig(path)
	if err != nil {
		return cfg, "", err
	}
	return cfg, filepath.Dir(path), nil
}

// configured parses the arguments of a subcommand that takes only
// -config, and loads that configuration.
func configured(name string, e env, args []string) (Config, string, error) {
	fs := flags(name, e)
	path := configFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return Config{}, "", err
	}
	return load(*path)
}

func cmdRun(ctx context.Context, e env, args []string) error {
	cfg, base, err := configured("run", e, args)
	if err != nil {
		return err
	}
	tuneGC()
	d, err := newDaemon(ctx, cfg, base, e.log)
	if err != nil {
		return err
	}
	defer d.close()
	e.log.Info("incidentd running", "imap", cfg.IMAP.Address, "smtp", cfg.SMTP.Address, "database", cfg.Storage.Database)
	return d.run(ctx)
}

func cmdCheckConfig(ctx context.Context, e env, args []string) error {
	fs := flags("check-config", e)
	path := configFlag(fs)
	connect := fs.Bool("connect", false, "also connect to both mail servers, log in and check the mailboxes (nothing is sent)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*path)
	if err != nil {
		return fmt.Errorf("%s has problems:\n%w", *path, err)
	}
	for _, w := range cfg.warnings() {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	fmt.Fprintf(e.stdout, "%s: configuration is valid\n", *path)
	if !*connect {
		return nil
	}
	tokens, err := cfg.tokenSource(cfg.dir, e.log)
	if err != nil {
		return err
	}
	return checkConnections(ctx, cfg, tokens, e.stdout)
}

func cmdIngest(ctx context.Context, e env, args []string) error {
	cfg, base, err := configured("ingest", e, args)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(io.LimitReader(e.stdin, cfg.Storage.MaxMessageBytes+1))
	if err != nil {
		return fmt.Errorf("read message: %w", err)
	}
	d, err := newDaemon(ctx, cfg, base, e.log)
	if err != nil {
		return err
	}
	defer d.close()
	disp, err := d.processor.Handle(ctx, raw)
	if err != nil {
		return err
	}
	if err := d.dispatcher.Flush(ctx); err != nil {
		e.log.Warn("notifications stay in the outbox", "error", err)
	}
	if disp == imap.Quarantined {
		fmt.Fprintln(e.stdout, "quarantined")
		return nil
	}
	fmt.Fprintln(e.stdout, "processed")
	return nil
}
