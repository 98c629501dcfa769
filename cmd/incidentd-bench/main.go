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
	"strconv"
	"strings"
	"time"

	"incidentd/mailservers/memory"
)

func main() {
	o := flags()
	flag.Parse()
	sys, err := memory.Start(memory.Options{Domain: "example.com", Users: map[string]string{"incidents": "bench"}})
	if err != nil {
		log.Fatal(err)
	}
	defer sys.Close()
	srv := server{name: "in-process IMAP (go-imap imapmemserver)", addr: sys.IMAPAddr, user: "incidents", password: "bench",
		deliver: func(raws ...[]byte) error {
			for _, raw := range raws {
				if err := sys.Deliver("incidents", raw); err != nil {
					return err
				}
			}
			return nil
		}}
	if err := run(*o, srv); err != nil {
		log.Fatal(err)
	}
}

// options are the bench's flags.
type options struct {
	bin                string
	n, oneByOne, bigMB int
	profile            string
}

func flags() *options {
	o := &options{}
	flag.IntVar(&o.n, "n", 10000, "reports in the backlog")
	flag.StringVar(&o.bin, "binary", "bin/incidentd", "the incidentd `binary` to measure")
	flag.IntVar(&o.oneByOne, "latency", 100, "mails sent one by one to measure latency")
	flag.IntVar(&o.bigMB, "attachment-mb", 25, "size of the large attachment, in MB (0: skip)")
	flag.StringVar(&o.profile, "profile", "", "write a CPU profile of the daemon's first seconds of draining to `file`")
	return o
}

// server is the IMAP server the backlog waits in.
type server struct {
	name           string
	addr           string                     // host:port, plaintext
	user, password string                     // incidentd's mailbox
	deliver        func(raws ...[]byte) error // into the INBOX
	cpu            func() time.Duration       // the CPU an out-of-process server used so far; nil in-process
}

func run(o options, srv server) error {
	bin, n, oneByOne, bigMB, profile := o.bin, o.n, o.oneByOne, o.bigMB, o.profile
	dir, err := os.MkdirTemp("", "incidentd-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sink, err := startSink()
	if err != nil {
		return err
	}
	defer sink.Stop()

	fmt.Printf("preloading %d reports...\n", n)
	for start := 0; start < n; start += 500 {
		var raws [][]byte
		for i := start; i < min(start+500, n); i++ {
			raws = append(raws, report(fmt.Sprintf("r%d", i), 0))
		}
		if err := srv.deliver(raws...); err != nil {
			return err
		}
	}
	floorIMAP, err := bareFetch(srv, n)
	if err != nil {
		return fmt.Errorf("floor fetch: %w", err)
	}
	floorSMTP, err := bareSend(sink.Addr(), 2*n)
	if err != nil {
		return fmt.Errorf("floor send: %w", err)
	}
	sink.Reset()

	cfg := filepath.Join(dir, "incidentd.toml")
	httpAddr := ""
	if profile != "" {
		if httpAddr, err = freeAddr(); err != nil {
			return err
		}
	}
	if err := writeConfig(cfg, dir, srv, sink.Addr(), httpAddr); err != nil {
		return err
	}
	cmd := exec.Command(bin, "run", "-config", cfg)
	cmd.Env = append(os.Environ(), "INCIDENTD_BENCH_PASSWORD="+srv.password)
	logFile, err := os.Create(filepath.Join(dir, "incidentd.log"))
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start, serversCPU := time.Now(), cpuTime(os.Getpid())
	var imapCPU time.Duration
	if srv.cpu != nil {
		imapCPU = srv.cpu()
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", bin, err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		<-exited
	}()
	// Waiting ends when the daemon does (a bad configuration, a crash).
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	go func() {
		select {
		case <-exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	profiled := make(chan error, 1)
	if profile != "" {
		go func() { profiled <- cpuProfile(ctx, httpAddr, profile) }()
	}
	if err := waitCount(ctx, sink, 2*n); err != nil {
		return fmt.Errorf("drain: %w (log: %s)", err, logFile.Name())
	}
	drain := time.Since(start)
	peakDrain := peakRSS(cmd.Process.Pid)
	cpuDrain := cpuTime(cmd.Process.Pid)
	serversCPU = cpuTime(os.Getpid()) - serversCPU
	if srv.cpu != nil {
		imapCPU = srv.cpu() - imapCPU
	}
	if profile != "" {
		if err := <-profiled; err != nil {
			return fmt.Errorf("profile: %w", err)
		}
	}

	var lat []time.Duration
	for i := range oneByOne {
		who := fmt.Sprintf("l%d", i)
		skip := sink.Count()
		t0 := time.Now()
		if err := srv.deliver(report(who, 0)); err != nil {
			return err
		}
		at, err := waitFor(ctx, sink, skip, who+"@example.com")
		if err != nil {
			return fmt.Errorf("latency: %w", err)
		}
		lat = append(lat, at.Sub(t0))
	}
	var bigAdded int64
	if bigMB > 0 {
		before := peakRSS(cmd.Process.Pid)
		sent := sink.Count()
		if err := srv.deliver(report("big", bigMB<<20)); err != nil {
			return err
		}
		// The acknowledgement and the evaluators' notice, which carries
		// the attachment.
		if err := waitCount(ctx, sink, sent+2); err != nil {
			return fmt.Errorf("large attachment: %w", err)
		}
		bigAdded = peakRSS(cmd.Process.Pid) - before
	}

	floor := floorIMAP + floorSMTP
	fmt.Printf("\nIMAP server: %s\n%-52s %12s\n", srv.name, "measure", "value")
	row := func(k, v string) { fmt.Printf("%-52s %12s\n", k, v) }
	row(fmt.Sprintf("drain of %d reports (%d notifications)", n, 2*n), drain.Round(time.Millisecond).String())
	row("drain rate (reports/s)", fmt.Sprintf("%.0f", float64(n)/drain.Seconds()))
	row("daemon CPU time while draining", cpuDrain.Round(time.Millisecond).String())
	row("bench's own CPU time (SMTP sink, IMAP if in-process)", serversCPU.Round(time.Millisecond).String())
	if srv.cpu != nil {
		row("IMAP server's CPU time while draining", imapCPU.Round(time.Millisecond).String())
	}
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

// cpuTime is the CPU time (user and system) a process used so far.
func cpuTime(pid int) time.Duration {
	cpu, _ := procStat(pid)
	return cpu
}

// groupCPU is the CPU time the processes of process group pgid used so
// far: the living ones, and those that ended and were waited for by one
// of them (Dovecot's process per connection, once the connection ends).
func groupCPU(pgid int) time.Duration {
	dirs, _ := os.ReadDir("/proc")
	var total time.Duration
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		if cpu, group := procStat(pid); group == pgid {
			total += cpu
		}
	}
	return total
}

// procStat reads from /proc the CPU time (user and system) of a process
// and of its children that ended and were waited for, and its process
// group.
func procStat(pid int) (cpu time.Duration, pgid int) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0
	}
	// The fields after the command name, which is in parentheses: the
	// process group is the 3rd, utime, stime, cutime and cstime the 12th
	// to 15th, in clock ticks (100 a second).
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if len(f) < 15 {
		return 0, 0
	}
	fmt.Sscan(f[2], &pgid)
	var ticks int64
	for _, field := range f[11:15] {
		var n int64
		fmt.Sscan(field, &n)
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, pgid
}

func writeConfig(path, dir string, srv server, smtpAddr, httpAddr string) error {
	cfg := fmt.Sprintf(`[imap]
address = %q
tls = "none"
username = %q
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
max_attachment_bytes = 67108864
`, srv.addr, srv.user, smtpAddr, filepath.Join(dir, "incidentd.db"), filepath.Join(dir, "attachments"))
	if httpAddr != "" {
		cfg += fmt.Sprintf("\n[http]\nlisten = %q\npprof = true\n", httpAddr)
	}
	return os.WriteFile(path, []byte(cfg), 0o600)
}
