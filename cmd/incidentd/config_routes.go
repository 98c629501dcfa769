package main

import (
	"fmt"
	"maps"
	"net/mail"
	"slices"
	"strings"

	"incidentd/workflow"
)

// RouteConfig is one [[routes]] entry: the incidents whose fields match
// it go to its people instead of the [workflow] lists (a list left out or
// empty keeps the [workflow] one). The first entry that matches applies.
type RouteConfig struct {
	// Name names the route in show, stats and the history; default
	// "route N", N counting the entries from 1.
	Name string `toml:"name"`
	// Match holds, per field of the form (by name: type, priority,
	// system, or one of the organization's own), the values that match,
	// by value or label ("error", "Bug", "Fallo"); every field given must
	// match.
	Match      map[string][]string `toml:"match"`
	Evaluators []string            `toml:"evaluators"`
	Resolvers  []string            `toml:"resolvers"`
	Validators []string            `toml:"validators"`
	Admins     []string            `toml:"admins"`
}

// name is the route's name, or "route n".
func (r RouteConfig) name(n int) string {
	if r.Name != "" {
		return r.Name
	}
	return fmt.Sprintf("route %d", n)
}

// lists are the route's people per role.
func (r RouteConfig) lists() map[workflow.Role][]string {
	return map[workflow.Role][]string{workflow.Evaluator: r.Evaluators, workflow.Resolver: r.Resolvers,
		workflow.Validator: r.Validators, workflow.Admin: r.Admins}
}

// routes are the configured routes, their values as the incidents store
// them (a type's label becomes its value); a value that is no choice of
// its field is left out, and a route left without a value for a field
// never matches (validateRoutes names both).
func (c *Config) routes() []workflow.Route {
	form := c.form()
	out := make([]workflow.Route, len(c.Routes))
	for i, r := range c.Routes {
		match := map[string][]string{}
		for field, values := range r.Match {
			match[field] = []string{}
			for _, v := range values {
				if v, ok := routeValue(form, field, v); ok {
					match[field] = append(match[field], v)
				}
			}
		}
		out[i] = workflow.Route{Name: r.name(i + 1), Match: match, Lists: r.lists()}
	}
	return out
}

// routeValue is v as incidents store field: a choice named by its value
// or one of its labels (a type "Bug" is "error"), any other value as
// written; false when v is no value of the field, or field is no field of
// form.
func routeValue(form workflow.Form, field, v string) (string, bool) {
	d, ok := form.Field(field)
	if !ok {
		return "", false
	}
	return d.Read(v)
}

// validateRoutes checks [[routes]]: the fields a route matches on and
// their values (a route that can never match is named), the addresses of
// its lists, that it names someone, and that names are not used twice.
func (c *Config) validateRoutes(bad func(key, format string, args ...any)) {
	form := c.form()
	seen := map[string]bool{}
	for i, r := range c.Routes {
		key := fmt.Sprintf("routes[%d]", i)
		switch name := r.name(i + 1); {
		case seen[name]:
			bad(key+".name", "%q names another route already", name)
		case strings.EqualFold(name, workflow.NoRoute):
			bad(key+".name", "%q names the [workflow] lists, for incidents no route matches", name)
		}
		seen[r.name(i+1)] = true
		for _, field := range slices.Sorted(maps.Keys(r.Match)) {
			fkey := key + ".match." + field
			if !form.Has(field) {
				bad(fkey, "is not a field of the form (%s): the route can never match", fieldNames(form))
				continue
			}
			if len(r.Match[field]) == 0 {
				bad(fkey, "lists no value: the route can never match")
			}
			for _, v := range r.Match[field] {
				if _, ok := routeValue(form, field, v); !ok {
					bad(fkey, "%q is not a %s of an incident: it can never match", v, field)
				}
			}
		}
		empty, lists := true, r.lists()
		for _, role := range []workflow.Role{workflow.Evaluator, workflow.Resolver, workflow.Validator, workflow.Admin} {
			list := lists[role]
			empty = empty && len(list) == 0
			for _, a := range list {
				if a == workflow.ReporterMember && role == workflow.Validator {
					continue
				}
				if _, err := mail.ParseAddress(a); err != nil {
					bad(fmt.Sprintf("%s.%ss", key, role), "%q is not an address", a)
				}
			}
		}
		if empty {
			bad(key, "names no evaluators, resolvers, validators nor admins: it changes nothing")
		}
	}
}

// fieldNames lists the names of the form's fields, for messages.
func fieldNames(form workflow.Form) string {
	var names []string
	for _, d := range form.Fields() {
		names = append(names, d.Name)
	}
	return strings.Join(names, ", ")
}
