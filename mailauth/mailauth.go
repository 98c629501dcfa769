// Package mailauth owns how incidentd proves who it is to the mail
// servers, for both directions: the TLS settings of a connection (system
// roots plus a private CA, the name the certificate must carry), the
// early detection of a TLS setting that does not fit the port, the choice
// of a SASL mechanism among those a server offers, the SASL clients the
// libraries lack (XOAUTH2, CRAM-MD5), and OAuth2 access tokens for
// XOAUTH2 and OAUTHBEARER (refreshed before they expire, the refresh
// token kept in a file of its own).
package mailauth

import "context"

// TokenSource gives OAuth2 access tokens to log in with.
type TokenSource interface {
	// Token returns an access token that is valid now, getting a new one
	// when the last is about to expire.
	Token(ctx context.Context) (string, error)
	// Refused tells the source that a server refused token: the next
	// Token call gets a new one even if token has not expired.
	Refused(token string)
}
