package mailauth

import (
	"crypto/tls"
	"fmt"
	"strings"
)

// Step is one step of connecting to a server, as a connection check shows
// it: what was done, and what was found or why it failed.
type Step struct {
	What   string
	Detail string // what was found, when it worked
	Err    error  // why it failed; nil when it worked
}

// Steps receives the steps of a connection as they happen, for a
// connection check. A nil Steps receives nothing.
type Steps func(Step)

// Done reports the step what: worked with detail when err is nil, failed
// with err otherwise. It returns err.
func (s Steps) Done(what string, err error, detail string) error {
	if s != nil {
		if err != nil {
			detail = ""
		}
		s(Step{What: what, Detail: detail, Err: err})
	}
	return err
}

// DescribeTLS says what a TLS connection is: its version and whose
// certificate, signed by whom.
func DescribeTLS(st tls.ConnectionState) string {
	out := tls.VersionName(st.Version)
	if len(st.PeerCertificates) > 0 {
		leaf := st.PeerCertificates[0]
		names := leaf.DNSNames
		if len(names) == 0 {
			names = []string{leaf.Subject.CommonName}
		}
		out += fmt.Sprintf(", certificate for %s issued by %q", strings.Join(names, ", "), leaf.Issuer.CommonName)
	}
	return out
}
