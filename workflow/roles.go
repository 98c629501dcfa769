package workflow

import (
	"slices"
	"strings"
)

// Role is a part people play in the workflow.
type Role string

// The roles of SPEC §2.
const (
	Evaluator Role = "evaluator"
	Resolver  Role = "resolver"
	Validator Role = "validator"
	Admin     Role = "admin"
)

// ReporterMember is the member of a role list that stands for the
// incident's reporter (validators = ["reporter"] is the default).
const ReporterMember = "reporter"

// Roles says who plays which role. An empty list means anyone whose
// address is in one of Domains.
type Roles struct {
	Domains    []string
	Evaluators []string
	Resolvers  []string
	Validators []string
	Admins     []string
	// NoValidation skips the validation stage (validation = "none"): a
	// resolution closes the incident and nobody is asked to confirm it.
	NoValidation bool
	// WatchersGetComments tells the watchers of an incident of its
	// comments too, not only of its transitions.
	WatchersGetComments bool
	// Routes give some incidents their own lists (route.go).
	Routes []Route
}

// list is the list of role for inc: its route's, else Roles'.
func (r Roles) list(role Role, inc Incident) []string {
	if rt, ok := r.RouteFor(inc); ok && len(rt.Lists[role]) > 0 {
		return rt.Lists[role]
	}
	switch role {
	case Evaluator:
		return r.Evaluators
	case Resolver:
		return r.Resolvers
	case Validator:
		return r.Validators
	case Admin:
		return r.Admins
	}
	return nil
}

// InDomains reports whether addr belongs to the organization.
func (r Roles) InDomains(addr string) bool {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return false
	}
	domain := strings.ToLower(addr[at+1:])
	return slices.ContainsFunc(r.Domains, func(d string) bool { return strings.EqualFold(d, domain) })
}

// Has reports whether addr plays role for inc. Once inc is assigned,
// its assignee alone is its resolver.
func (r Roles) Has(role Role, addr string, inc Incident) bool {
	if role == Resolver && inc.Assignee != "" {
		return strings.EqualFold(addr, inc.Assignee)
	}
	list := r.list(role, inc)
	if len(list) == 0 {
		return r.InDomains(addr)
	}
	for _, m := range list {
		if strings.EqualFold(m, addr) || (m == ReporterMember && strings.EqualFold(inc.Reporter, addr)) {
			return true
		}
	}
	return false
}

// Members lists who plays role for inc, as addresses. An empty role list
// ("anyone in the organization") has no one to notify: Members then
// returns the admins. Once inc is assigned, its assignee alone is its
// resolver.
func (r Roles) Members(role Role, inc Incident) []string {
	if role == Resolver && inc.Assignee != "" {
		return []string{strings.ToLower(inc.Assignee)}
	}
	list := r.list(role, inc)
	if len(list) == 0 && role != Admin {
		list = r.list(Admin, inc)
	}
	var out []string
	for _, m := range list {
		if m == ReporterMember {
			m = inc.Reporter
		}
		out = append(out, strings.ToLower(m))
	}
	return out
}

// Describe says who plays role, for messages that tell a sender who may
// act: the addresses, or the domains when anyone in them may.
func (r Roles) Describe(role Role, inc Incident) []string {
	if list := r.list(role, inc); len(list) > 0 || (role == Resolver && inc.Assignee != "") {
		return r.Members(role, inc)
	}
	out := make([]string, len(r.Domains))
	for i, d := range r.Domains {
		out[i] = "*@" + d
	}
	return out
}
