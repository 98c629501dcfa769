package mailauth

import (
	"context"
	"errors"
	"fmt"
	"io"

	"golang.org/x/oauth2"
)

// DeviceLogin signs a person in with the device authorization grant
// (RFC 8628) to get the first refresh token: it asks the provider for a
// code, tells the person on w, in English and in Spanish, where to enter
// it, waits until they have signed in there, and writes the refresh token
// to TokenFile. It returns the account signed in as, from the id_token's
// email or preferred_username claim, or "" when the provider did not say.
//
// Google does not allow the Gmail scope https://mail.google.com/ in its
// device flow (only a short list of scopes, mostly sign-in, Drive and
// YouTube ones): with provider google the provider answers invalid_scope,
// and the error says to sign in with BrowserLogin (-browser) instead.
func (o *OAuth2) DeviceLogin(ctx context.Context, w io.Writer) (string, error) {
	if err := o.canSignIn(); err != nil {
		return "", err
	}
	if o.opts.DeviceAuthURL == "" {
		return "", errors.New("oauth2.device_auth_url: is required to sign in with provider custom")
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, o.opts.HTTPClient)
	da, err := o.conf.DeviceAuth(ctx)
	if err != nil {
		return "", o.deviceAuthError(err)
	}
	fmt.Fprintf(w, "To sign in, open %s and enter the code %s\n", da.VerificationURI, da.UserCode)
	fmt.Fprintf(w, "Para iniciar sesión, abra %s e introduzca el código %s\n", da.VerificationURI, da.UserCode)
	tok, err := o.conf.DeviceAccessToken(ctx, da)
	if err != nil {
		op := "wait for the sign-in at " + o.opts.TokenURL
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			// The deadline was the code's own expiry, not the caller's.
			return "", &HintError{Err: fmt.Errorf("%s: %w", op, err), Hint: o.hint("expired_token")}
		}
		return "", o.endpointError(op, err)
	}
	return o.signedIn(tok)
}

// deviceAuthError explains a refusal of the device authorization
// endpoint. Google's invalid_scope gets advice of its own: the scope is
// right, only this flow cannot have it.
func (o *OAuth2) deviceAuthError(err error) error {
	err = o.endpointError("ask "+o.opts.DeviceAuthURL+" for a sign-in code", err)
	var re *oauth2.RetrieveError
	var he *HintError
	if o.opts.Provider == ProviderGoogle && errors.As(err, &re) && re.ErrorCode == "invalid_scope" && errors.As(err, &he) {
		he.Hint = googleDeviceScopeHint
	}
	return err
}
