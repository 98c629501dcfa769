package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoInspectCommands: the commands the demo's banner prints work
// exactly as printed, one per line.
func TestDemoInspectCommands(t *testing.T) {
	path := operatorConfig(t)
	lines := inspectCommands("incidentd", path)
	if len(lines) != 4 {
		t.Fatalf("%d commands, want list, show, stats and outbox: %q", len(lines), lines)
	}
	for _, line := range lines {
		args := strings.Fields(line)
		if args[0] != "incidentd" {
			t.Fatalf("%q does not run incidentd", line)
		}
		if code, out, errOut := run(t, args[1:]...); code != 0 || out == "" {
			t.Errorf("%s: exit %d\n%s%s", line, code, out, errOut)
		}
	}
}

// TestDemoProgram: the banner names the running binary, or go run when
// the binary is go run's temporary build.
func TestDemoProgram(t *testing.T) {
	for exe, want := range map[string]string{
		"/opt/incidentd/bin/incidentd":                                          "/opt/incidentd/bin/incidentd",
		filepath.Join(os.TempDir(), "go-build2906", "b001", "exe", "incidentd"): "go run ./cmd/incidentd",
		"": "go run ./cmd/incidentd",
	} {
		if got := demoProgram(exe); got != want {
			t.Errorf("demoProgram(%q) = %q, want %q", exe, got, want)
		}
	}
}
