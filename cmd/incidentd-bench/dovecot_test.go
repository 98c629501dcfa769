//go:build integration

package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"incidentd/mailservers/dovecot"
)

// benchEnv turns TestDovecotBench on (make bench DOVECOT=1 sets it).
const benchEnv = "INCIDENTD_BENCH_DOVECOT"

var benchFlags = flags()

// TestDovecotBench runs the bench against a private Dovecot instead of the
// in-process IMAP server: `make bench DOVECOT=1` (flags after -args).
func TestDovecotBench(t *testing.T) {
	if os.Getenv(benchEnv) == "" {
		t.Skip(benchEnv + " is not set: run make bench DOVECOT=1")
	}
	const user, password = "incidents@example.com", "bench"
	d := dovecot.Start(t, map[string]string{user: password})
	srv := server{name: "Dovecot (private, on loopback)", addr: d.Addr, user: user, password: password,
		deliver: func(raws ...[]byte) error { return d.Append(user, "INBOX", raws...) },
		cpu:     func() time.Duration { return groupCPU(d.ProcessGroup()) }}
	o := *benchFlags
	if !filepath.IsAbs(o.bin) {
		o.bin = filepath.Join("..", "..", o.bin) // go test runs in this package's directory
	}
	if err := run(o, srv); err != nil {
		t.Fatal(err)
	}
}
