package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"incidentd/mailin"
	"incidentd/mailout/render"
	"incidentd/workflow"
	"incidentd/workflow/store"
)

// openConfigured loads the configuration at path, checking it with
// validate, and opens its store, for the commands that read or tend the
// database: they check only the keys they use, and need the database to
// exist.
func openConfigured(ctx context.Context, path string, validate func(*Config) []error) (Config, *store.Store, error) {
	cfg, err := loadChecked(path, validate)
	if err != nil {
		return cfg, nil, err
	}
	db := resolve(cfg.dir, cfg.Storage.Database)
	if _, err := os.Stat(db); errors.Is(err, os.ErrNotExist) {
		return cfg, nil, fmt.Errorf("no database at %s (storage.database of %s): the daemon makes it when it first runs", db, path)
	}
	st, err := openStore(ctx, cfg, cfg.dir)
	return cfg, st, err
}

// withStore opens the configured store read-only for a query command.
func withStore(ctx context.Context, path string, fn func(*store.Tx) error) error {
	return withConfigured(ctx, path, func(_ Config, tx *store.Tx) error { return fn(tx) })
}

// withConfigured is withStore for a query that needs the configuration
// too (the roles and routes).
func withConfigured(ctx context.Context, path string, fn func(Config, *store.Tx) error) error {
	cfg, st, err := openConfigured(ctx, path, (*Config).validateRecords)
	if err != nil {
		return err
	}
	defer st.Close()
	return st.View(ctx, func(tx *store.Tx) error { return fn(cfg, tx) })
}

func cmdList(ctx context.Context, e env, args []string) error {
	fs := flags("list", e)
	path := configFlag(fs)
	state := fs.String("state", "", "only incidents in this `state`: "+stateNames())
	asJSON := fs.Bool("json", false, "print one JSON array")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *state != "" && !slices.Contains(workflow.States, workflow.State(*state)) {
		return fmt.Errorf("-state %q is not a state: %s", *state, stateNames())
	}
	return withConfigured(ctx, *path, func(cfg Config, tx *store.Tx) error {
		form, roles := cfg.form(), cfg.roles()
		incs, err := tx.Incidents(store.Filter{State: workflow.State(*state)})
		if err != nil {
			return err
		}
		if *asJSON {
			out := make([]listed, len(incs))
			for i, inc := range incs {
				out[i] = listedOf(inc, form, roles)
			}
			return writeJSON(e.stdout, out)
		}
		var choices []workflow.FieldDef // the organization's choice fields, as columns
		for _, d := range form.Own() {
			if d.Kind == workflow.FieldChoice {
				choices = append(choices, d)
			}
		}
		w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprint(w, "ID\tSTATE\tPRIORITY\tTYPE")
		for _, d := range choices {
			fmt.Fprint(w, "\t"+strings.ToUpper(d.Name))
		}
		fmt.Fprintln(w, "\tREPORTER\tUPDATED\tTITLE")
		for _, inc := range incs {
			fmt.Fprintf(w, "INC-%d\t%s\t%s\t%s", inc.ID, inc.State, inc.Priority, inc.Type)
			for _, d := range choices {
				fmt.Fprint(w, "\t"+or(inc.Values[d.Name], "-"))
			}
			fmt.Fprintf(w, "\t%s\t%s\t%s\n", inc.Reporter, inc.Updated.Local().Format("2006-01-02 15:04"), inc.Title)
		}
		return w.Flush()
	})
}

// listed is an incident as `incidentd list -json` prints it: its fields
// by name, the built-in ones and the organization's own (with the values
// of fields since removed from the form), and its evaluation.
type listed struct {
	ID           int64             `json:"id"`
	Title        string            `json:"title"`
	State        workflow.State    `json:"state"`
	Reporter     string            `json:"reporter"`
	ReporterName string            `json:"reporter_name"`
	AcceptedBy   string            `json:"accepted_by"`
	Assignee     string            `json:"assignee"`
	Route        string            `json:"route"`
	Evaluation   string            `json:"evaluation"`
	Fields       map[string]string `json:"fields"`
	Created      time.Time         `json:"created"`
	Updated      time.Time         `json:"updated"`
}

func listedOf(inc workflow.Incident, form workflow.Form, roles workflow.Roles) listed {
	fields := maps.Clone(inc.Values)
	if fields == nil {
		fields = map[string]string{}
	}
	for _, d := range form.Fields() {
		fields[d.Name] = inc.Value(d.Name)
	}
	return listed{ID: inc.ID, Title: inc.Title, State: inc.State, Reporter: inc.Reporter, ReporterName: inc.ReporterName,
		AcceptedBy: inc.AcceptedBy, Assignee: inc.Assignee, Route: roles.RouteName(inc), Evaluation: inc.Evaluation, Fields: fields, Created: inc.Created, Updated: inc.Updated}
}

// stateNames lists the states an incident can be in, in workflow order.
func stateNames() string {
	names := make([]string, len(workflow.States))
	for i, s := range workflow.States {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

func cmdShow(ctx context.Context, e env, args []string) error {
	fs := flags("show", e)
	path := configFlag(fs)
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	var id int64
	if len(positional) == 1 {
		id, err = strconv.ParseInt(strings.TrimPrefix(strings.ToUpper(positional[0]), "INC-"), 10, 64)
	}
	if len(positional) != 1 || err != nil {
		return fmt.Errorf("name one incident, e.g. incidentd show 12")
	}
	return withConfigured(ctx, *path, func(cfg Config, tx *store.Tx) error {
		inc, err := tx.Incident(id)
		if err != nil {
			return fmt.Errorf("INC-%d: %w", id, err)
		}
		if inc.Watchers, err = tx.Watchers(id); err != nil {
			return err
		}
		atts, err := tx.Attachments(id)
		if err != nil {
			return err
		}
		events, err := tx.Events(id)
		if err != nil {
			return err
		}
		printIncident(e.stdout, inc, cfg.form(), cfg.roles().RouteName(inc), atts, events)
		return nil
	})
}

// printIncident writes inc for a terminal: the fields of form with their
// values as stored (a choice no longer configured as it was), then the
// values of fields since removed from the form, marked so.
func printIncident(w io.Writer, inc workflow.Incident, form workflow.Form, route string, atts []store.Attachment, events []workflow.Event) {
	fmt.Fprintf(w, "INC-%d  %s\n", inc.ID, inc.Title)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	rows := [][2]string{{"state", string(inc.State)}, {"reporter", person(inc.ReporterName, inc.Reporter)},
		{"type", string(inc.Type)}, {"priority", string(inc.Priority)}}
	if form.Has(workflow.FieldSystem) || inc.System != "" {
		rows = append(rows, [2]string{"system", inc.System})
	}
	var long []workflow.FieldDef
	for _, d := range form.Own() {
		if d.Kind == workflow.FieldMultiline {
			long = append(long, d)
			continue
		}
		rows = append(rows, [2]string{d.Name, inc.Values[d.Name]})
	}
	for _, name := range slices.Sorted(maps.Keys(inc.Values)) {
		if !form.Has(name) {
			rows = append(rows, [2]string{name, inc.Values[name] + "  (no longer in the form)"})
		}
	}
	rows = append(rows, [][2]string{{"accepted by", inc.AcceptedBy}, {"assignee", inc.Assignee}, {"route", route}, {"watchers", strings.Join(inc.Watchers, ", ")}, {"reported", inc.Created.Local().Format(time.RFC1123)},
		{"updated", inc.Updated.Local().Format(time.RFC1123)}}...)
	for _, row := range rows {
		fmt.Fprintf(tw, "  %s:\t%s\n", row[0], row[1])
	}
	tw.Flush()
	section(w, "description", inc.Description)
	section(w, "steps to reproduce", inc.Steps)
	for _, d := range long {
		section(w, d.Name, inc.Values[d.Name])
	}
	section(w, "evaluation", inc.Evaluation)
	if len(atts) > 0 {
		fmt.Fprintln(w, "\nattachments:")
		for _, a := range atts {
			fmt.Fprintf(w, "  %s  %s  %d bytes  sha256:%s\n", a.Filename, a.ContentType, a.Size, a.Hash)
		}
	}
	fmt.Fprintln(w, "\nhistory:")
	for _, ev := range events {
		fmt.Fprintf(w, "  %s  %-14s %s -> %s  by %s  (message %s)\n", ev.At.Local().Format("2006-01-02 15:04:05"),
			ev.Kind, ev.From, ev.To, ev.Actor, ev.MessageID)
		if ev.Text != "" {
			fmt.Fprintf(w, "      %s\n", strings.ReplaceAll(ev.Text, "\n", "\n      "))
		}
	}
}

func section(w io.Writer, title, text string) {
	if text == "" {
		return
	}
	fmt.Fprintf(w, "\n%s:\n  %s\n", title, strings.ReplaceAll(text, "\n", "\n  "))
}

func cmdStats(ctx context.Context, e env, args []string) error {
	fs := flags("stats", e)
	path := configFlag(fs)
	asJSON := fs.Bool("json", false, "print one JSON object")
	var since Duration
	fs.TextVar(&since, "since", Duration{}, "only the last `period` (e.g. 1w, 30d, 12h), compared with the period before; default: all time")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, st, err := openConfigured(ctx, *path, (*Config).validateRecords)
	if err != nil {
		return err
	}
	defer st.Close()
	p := workflow.Period{To: time.Now()}
	if since.Duration > 0 {
		p.From = p.To.Add(-since.Duration)
	}
	var out statsOutput
	err = st.View(ctx, func(tx *store.Tx) (err error) {
		if out.Metrics, err = tx.Metrics(p, cfg.categories(), cfg.form(), cfg.roles()); err != nil {
			return err
		}
		out.Outbox, err = tx.OutboxCounts()
		return err
	})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, out)
	}
	printStats(e.stdout, out)
	return nil
}

// statsOutput is what `incidentd stats` prints: the digest's numbers and
// the state of the outbox.
type statsOutput struct {
	workflow.Metrics
	Outbox store.OutboxCounts `json:"outbox"`
}

func printStats(w io.Writer, s statsOutput) {
	m := render.MetricsView{Metrics: s.Metrics}
	if s.Period.From.IsZero() {
		fmt.Fprintf(w, "all time, up to %s\n", s.Period.To.Local().Format("2006-01-02 15:04"))
	} else {
		fmt.Fprintf(w, "from %s to %s (compared with the period before)\n",
			s.Period.From.Local().Format("2006-01-02 15:04"), s.Period.To.Local().Format("2006-01-02 15:04"))
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nHAPPENED\tN\tBEFORE")
	for _, r := range m.Flow() {
		before := "-"
		if r.Compared {
			before = fmt.Sprintf("%d (%s)", r.Before, r.Change())
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\n", r.Key, r.N, before)
	}
	fmt.Fprintln(tw, "\nREJECTED BECAUSE\tN\t")
	for _, c := range s.RejectedBy {
		fmt.Fprintf(tw, "%s\t%d\t\n", c.Key, c.N)
	}
	fmt.Fprintln(tw, "\nSTAGE\tCOUNT\tMEDIAN\t90TH PERCENTILE")
	for _, st := range m.Stages() {
		fmt.Fprintf(tw, "time to %s\t%d\t%s\t%s\n", st.Key, st.Count, stageTime(st.Stage, st.Median), stageTime(st.Stage, st.P90))
	}
	fmt.Fprintln(tw, "\nWAITING AT THE END\tN\t")
	for _, c := range s.Waiting {
		fmt.Fprintf(tw, "%s\t%d\t\n", c.Key, c.N)
	}
	tw.Flush()
	for _, dim := range m.Dimensions() {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "\n%s\tREPORTED\tACCEPTED\tREJECTED\tRESOLVED\tREOPENED\tCLOSED\tMEDIAN TO RESOLVE\n",
			strings.ToUpper(strings.ReplaceAll(dim.Key, "_", " ")))
		for _, g := range dim.Groups {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\n", or(g.Key, "(none)"), g.Reported, g.Accepted,
				g.Rejected, g.Resolved, g.Reopened, g.Closed, stageTime(g.Resolve, g.Resolve.Median))
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "\noutbox: %d pending, %d sent, %d failed\n", s.Outbox.Pending, s.Outbox.Sent, s.Outbox.Failed)
}

// stageTime is one of st's times for a terminal: "–" when no incident
// went through the stage.
func stageTime(st workflow.Stage, t workflow.Seconds) string {
	if st.Count == 0 {
		return "–"
	}
	return t.String()
}

// or is s, or alt when s is empty.
func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func cmdParse(ctx context.Context, e env, args []string) error {
	fs := flags("parse", e)
	asJSON := fs.Bool("json", false, "print one JSON object")
	path := fs.String("config", "", "match against the incidents of this configuration's database")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	raw, err := io.ReadAll(e.stdin)
	if err != nil {
		return fmt.Errorf("read message: %w", err)
	}
	cfg := defaultConfig()
	p := &mailin.Processor{Defaults: cfg.defaults()}
	if *path != "" {
		cfg, st, err := openConfigured(ctx, *path, (*Config).validateIntake)
		if err != nil {
			return err
		}
		defer st.Close()
		key, err := cfg.tokenKey(quietLogger(e))
		if err != nil {
			fmt.Fprintf(e.stderr, "reply tokens are not verified: %v\n", err)
		}
		p = newProcessor(cfg, st, cfg.identity(key), e.log)
	}
	ex, err := p.Explain(ctx, raw)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, ex)
	}
	printExplanation(e.stdout, ex)
	return nil
}

func printExplanation(w io.Writer, ex mailin.Explanation) {
	fmt.Fprintf(w, "kind:       %s\nfrom:       %s\nsubject:    %s\n", ex.Kind, ex.From, ex.Subject)
	if ex.Automatic != "" {
		fmt.Fprintf(w, "ignored:    %s; never answered\n", ex.Automatic)
	}
	if ex.Incident != 0 {
		fmt.Fprintf(w, "incident:   INC-%d (matched by %s; command authenticated: %t)\n", ex.Incident, ex.MatchedBy, ex.Authenticated)
	}
	if ex.Command != "" {
		fmt.Fprintf(w, "command:    %s\nargument:   %s\n", ex.Command, ex.Argument)
	}
	if f := ex.Fields; f != nil {
		fmt.Fprintf(w, "title:      %s\ntype:       %s\npriority:   %s\nsystem:     %s\n", f.Title, f.Type, f.Priority, f.System)
		for _, name := range slices.Sorted(maps.Keys(f.Own)) {
			fmt.Fprintf(w, "%-11s %s\n", name+":", f.Own[name])
		}
		for _, name := range ex.Missing {
			fmt.Fprintf(w, "missing:    %s (required)\n", name)
		}
		section(w, "description", f.Description)
		section(w, "steps", f.Steps)
		for _, a := range ex.Assumed {
			fmt.Fprintf(w, "assumed:    %s = %s (the mail said %q)\n", a.Field, a.Used, a.Given)
		}
	}
	section(w, "new text", ex.NewText)
	for _, a := range ex.Attachments {
		fmt.Fprintf(w, "attachment: %s (%s, %d bytes)\n", a.Name, a.Type, a.Size)
	}
	for _, p := range ex.Problems {
		fmt.Fprintf(w, "problem:    %s\n", p)
	}
}

// person writes a name and an address for a terminal.
func person(name, addr string) string {
	if name == "" {
		return addr
	}
	return name + " <" + addr + ">"
}

// writeJSON prints v as one indented JSON object.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
