package mailauth

import (
	"errors"
	"fmt"
	"net/http"

	"golang.org/x/oauth2"
)

// loginCommand is what a person runs to get a new refresh token; errors
// that only a new sign-in can fix name it. Google allows Gmail only in
// the browser sign-in, so those who use it are reminded of -browser.
const loginCommand = `"incidentd oauth login -config FILE" (with -browser for Google)`

// ErrNoToken is wrapped by the errors of a token file that is missing,
// unreadable or corrupt: only a new sign-in can fix it.
var ErrNoToken = errors.New("no usable refresh token")

// endpointError explains a failure of the token or device endpoint. When
// trying again will not help (the endpoint refused the client, the grant
// or the scopes) it is a *HintError, so Lasting reports it and Hint says
// what to do; the *oauth2.RetrieveError inside gives the RFC 6749 error
// code. A failure of the network, HTTP 5xx or 429 is a plain error. The
// response body is never quoted, only the RFC 6749 fields: no token is in
// them.
func (o *OAuth2) endpointError(op string, err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return fmt.Errorf("%s: %w", op, err)
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	if re.ErrorCode != "" {
		err = fmt.Errorf("%s: %w", op, re)
	} else {
		err = fmt.Errorf("%s: the server answered HTTP %d", op, status)
	}
	if status >= 500 || status == http.StatusTooManyRequests || status == http.StatusRequestTimeout ||
		re.ErrorCode == "temporarily_unavailable" {
		return err
	}
	return &HintError{Err: err, Hint: o.hint(re.ErrorCode)}
}

// hint says what a person can do about an RFC 6749 or RFC 8628 error code.
func (o *OAuth2) hint(code string) string {
	switch code {
	case "invalid_client":
		return "check oauth2.client_id and the client secret: wrong, expired or replaced? " +
			"A public client (no secret) must be allowed public client flows in its registration"
	case "invalid_grant":
		if o.opts.Grant == GrantClientCredentials {
			return "check oauth2.tenant and the application's permissions"
		}
		return "the refresh token expired or was revoked, e.g. by a password change: run " +
			loginCommand + " again"
	case "unauthorized_client":
		return "the application is not allowed this grant: check its registration with the provider"
	case "invalid_scope":
		return "check oauth2.scopes"
	case "access_denied":
		return "the sign-in was declined; run " + loginCommand + " again to retry"
	case "expired_token":
		return "the code expired before the sign-in was finished; run " + loginCommand + " again"
	}
	return "check the [oauth2] settings and the application's registration with the provider"
}

// googleDeviceScopeHint explains the invalid_scope Google answers to a
// device flow for Gmail: Google allows only a short list of scopes
// (sign-in, some Drive and YouTube ones) in the device flow, and
// https://mail.google.com/ is not among them. Its authorization-code
// flow, which BrowserLogin does, allows it.
const googleDeviceScopeHint = "Google's device flow does not allow the Gmail scope https://mail.google.com/ " +
	"(it allows only a short list of scopes); sign in with a browser instead: " +
	`"incidentd oauth login -browser -config FILE", with an OAuth client of type Desktop app`
