package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The import rules of the design, read from the go command: the domain
// stands on the standard library alone, intake and sending never know of
// each other, and the IMAP loop knows nothing of the workflow.
func TestImportRules(t *testing.T) {
	for _, r := range []struct {
		pkg string
		// forbidden are import paths (and everything below them) that
		// pkg may not depend on, directly or not.
		forbidden []string
		why       string
	}{
		{"incidentd/workflow", []string{"incidentd", "github.com", "golang.org", "modernc.org"},
			"the domain imports only the standard library"},
		{"incidentd/mailin/...", []string{"incidentd/mailout"}, "intake never imports sending"},
		{"incidentd/mailout/...", []string{"incidentd/mailin"}, "sending never imports intake"},
		{"incidentd/mailin/imap/...", []string{"incidentd/workflow"}, "the IMAP loop knows nothing of the workflow"},
	} {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Standard}}", r.pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", r.pkg, err)
		}
		var deps []string
		for line := range strings.Lines(string(out)) {
			path, std, _ := strings.Cut(strings.TrimSpace(line), " ")
			if std == "true" || within(path, r.pkg) {
				continue
			}
			deps = append(deps, path)
		}
		for _, dep := range deps {
			if slices.ContainsFunc(r.forbidden, func(f string) bool { return within(dep, f+"/...") }) {
				t.Errorf("%s depends on %s: %s", r.pkg, dep, r.why)
			}
		}
	}
}

// within reports whether path is the package pattern or, for a pattern
// ending in "/...", below it.
func within(path, pattern string) bool {
	base, tree := strings.CutSuffix(pattern, "/...")
	base = strings.TrimSuffix(base, "/")
	return path == base || tree && strings.HasPrefix(path, base+"/")
}
