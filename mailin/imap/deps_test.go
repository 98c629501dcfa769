package imap

import (
	"os/exec"
	"strings"
	"testing"
)

// The intake loop knows nothing of the workflow: of incidentd, it imports
// only mailauth.
func TestImportsNoWorkflow(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command:", err)
	}
	out, err := exec.Command(gobin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for dep := range strings.FieldsSeq(string(out)) {
		if dep == "incidentd" || strings.HasPrefix(dep, "incidentd/") {
			if dep != "incidentd/mailin/imap" && dep != "incidentd/mailauth" {
				t.Errorf("mailin/imap depends on %s", dep)
			}
		}
	}
}
