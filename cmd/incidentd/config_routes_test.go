package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"incidentd/workflow"
)

func TestRoutesConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.toml")
	keys := `[workflow]
domains = ["example.com"]

[[routes]]
name = "payroll"
match = { system = ["Nóminas", "Payroll"], type = ["Bug", "fallo"] }
evaluators = ["pay-lead@example.com"]

[[routes]]
match = { type = ["outage"], colour = ["red"], priority = [] }
resolvers = ["ops"]

[[routes]]
name = "payroll"
match = { system = ["Web"] }

[[routes]]
name = "General"
evaluators = ["web@example.com"]
`
	if err := os.WriteFile(path, []byte(keys), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := loadChecked(path, func(c *Config) []error { return checkKeys(c.validateRoutes) })
	for _, want := range []string{
		`routes[1].match.type: "outage" is not a type of an incident: it can never match`,
		`routes[1].match.colour: is not a field of the form (type, priority, system, description, steps): the route can never match`,
		`routes[1].match.priority: lists no value: the route can never match`,
		`routes[1].resolvers: "ops" is not an address`,
		`routes[2].name: "payroll" names another route already`,
		`routes[2]: names no evaluators, resolvers, validators nor admins: it changes nothing`,
		`routes[3].name: "General" names the [workflow] lists, for incidents no route matches`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("problems %v lack %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "routes[0]") {
		t.Errorf("a good route is named a problem: %v", err)
	}
	routes := c.roles().Routes
	if len(routes) != 4 || routes[0].Name != "payroll" || routes[1].Name != "route 2" ||
		!slices.Equal(routes[0].Match["type"], []string{"error", "error"}) {
		t.Fatalf("routes %+v", routes)
	}
	inc := workflow.Incident{Fields: workflow.Fields{Type: workflow.TypeError, System: "nominas"}}
	if got := c.roles().Members(workflow.Evaluator, inc); !slices.Equal(got, []string{"pay-lead@example.com"}) {
		t.Fatalf("payroll evaluators %v", got)
	}
}
