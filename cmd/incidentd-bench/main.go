// Command incidentd-bench measures how fast incidentd drains a backlog,
// against the bare protocol floor on the same servers in the same run:
// it preloads N reports into an in-process IMAP server, runs the incidentd
// binary until every report's two notifications reached an SMTP sink, and
// prints the drain time, the floor, their ratio, the delivery → reply
// latency with IDLE, and the daemon's peak memory.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"incidentd/mailin/demomail"
)

func main() {
	n := flag.Int("n", 10000, "reports in the backlog")
	bin := flag.String("binary", "bin/incidentd", "the incidentd `binary` to measure")
	oneByOne := flag.Int("latency", 100, "mails sent one by one to measure latency")
	bigMB := flag.Int("attachment-mb", 25, "size of the large attachment, in MB (0: skip)")
	flag.Parse()
	if err := run(*bin, *n, *oneByOne, *bigMB); err != nil {
		log.Fatal(err)
	}
}

func run(bin string, n, oneByOne, bigMB int) error {
	dir, err := os.MkdirTemp("", "incidentd-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sys, err := demomail.Start(demomail.Options{Domain: "example.com", Users: map[string]string{"incidents": "bench"}})
	if err != nil {
		return err
	}
	defer sys.Close()
	sink, err := startSink()
	if err != nil {
		return err
	}
	defer sink.close()

	fmt.Printf("preloading %d reports...\n", n)
	for i := range n {
		if err := sys.Deliver("incidents", report(fmt.Sprintf("r%d", i), 0)); err != nil {
			return err
		}
	}
	floorIMAP, err := bareFetch(sys.IMAPAddr, n)
	if err != nil {
		return fmt.Errorf("floor fetch: %w", err)
	}
	floorSMTP, err := bareSend(sink.addr, 2*n)
	if err != nil {
		return fmt.Errorf("floor send: %w", err)
	}
	sink.reset()

	cfg := filepath.Join(dir, "incidentd.toml")
	if err := writeConfig(cfg, dir, sys.IMAPAddr, sink.addr); err != nil {
		return err
	}
	cmd := exec.Command(bin, "run", "-config", cfg)
	cmd.Env = append(os.Environ(), "INCIDENTD_BENCH_PASSWORD=bench")
	logFile, err := os.Create(filepath.Join(dir, "incidentd.log"))
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", bin, err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	if err := sink.waitCount(ctx, 2*n); err != nil {
		return fmt.Errorf("drain: %w (log: %s)", err, logFile.Name())
	}
	drain := time.Since(start)
	peakDrain := peakRSS(cmd.Process.Pid)

	var lat []time.Duration
	for i := range oneByOne {
		who := fmt.Sprintf("l%d", i)
		t0 := time.Now()
		if err := sys.Deliver("incidents", report(who, 0)); err != nil {
			return err
		}
		at, err := sink.waitFor(ctx, who+"@example.com")
		if err != nil {
			return fmt.Errorf("latency: %w", err)
		}
		lat = append(lat, at.Sub(t0))
	}
	var bigAdded int64
	if bigMB > 0 {
		before := peakRSS(cmd.Process.Pid)
		if err := sys.Deliver("incidents", report("big", bigMB<<20)); err != nil {
			return err
		}
		if _, err := sink.waitFor(ctx, "big@example.com"); err != nil {
			return fmt.Errorf("large attachment: %w", err)
		}
		bigAdded = peakRSS(cmd.Process.Pid) - before
	}

	floor := floorIMAP + floorSMTP
	fmt.Printf("\n%-44s %12s\n", "measure", "value")
	row := func(k, v string) { fmt.Printf("%-44s %12s\n", k, v) }
	row(fmt.Sprintf("drain of %d reports (%d notifications)", n, 2*n), drain.Round(time.Millisecond).String())
	row("drain rate (reports/s)", fmt.Sprintf("%.0f", float64(n)/drain.Seconds()))
	row("floor: bare IMAP fetch", floorIMAP.Round(time.Millisecond).String())
	row("floor: bare SMTP send", floorSMTP.Round(time.Millisecond).String())
	row("ratio drain / floor", fmt.Sprintf("%.2f", drain.Seconds()/floor.Seconds()))
	if len(lat) > 0 {
		slices.Sort(lat)
		row("latency p50 (IDLE, one by one)", lat[len(lat)/2].Round(time.Millisecond).String())
		row("latency p99", lat[len(lat)*99/100].Round(time.Millisecond).String())
	}
	row("peak RSS while draining (MB)", fmt.Sprintf("%.1f", float64(peakDrain)/(1<<20)))
	if bigMB > 0 {
		row(fmt.Sprintf("RSS added by a %d MB attachment (MB)", bigMB), fmt.Sprintf("%.1f", float64(bigAdded)/(1<<20)))
	}
	return nil
}

// peakRSS is the high-water mark of a process's resident memory, in bytes.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}

func writeConfig(path, dir, imapAddr, smtpAddr string) error {
	cfg := fmt.Sprintf(`[imap]
address = %q
tls = "none"
username = "incidents@example.com"
password_env = "INCIDENTD_BENCH_PASSWORD"
poll_interval = "5s"

[smtp]
address = %q
tls = "none"
from = "Incidents <incidents@example.com>"

[workflow]
domains = ["example.com"]
evaluators = ["alice@example.com"]
resolvers = ["bob@example.com"]
admins = ["ops@example.com"]

[security]
command_auth = "sender"

[storage]
database = %q
attachments_dir = %q
max_message_bytes = 67108864
`, imapAddr, smtpAddr, filepath.Join(dir, "incidentd.db"), filepath.Join(dir, "attachments"))
	return os.WriteFile(path, []byte(cfg), 0o600)
}
