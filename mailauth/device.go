package mailauth

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

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
// and the error says to get the refresh token another way.
func (o *OAuth2) DeviceLogin(ctx context.Context, w io.Writer) (string, error) {
	if o.opts.Grant != GrantRefreshToken {
		return "", errors.New("the client_credentials grant needs no sign-in: incidentd gets its tokens with the client secret")
	}
	if o.opts.DeviceAuthURL == "" {
		return "", errors.New("oauth2.device_auth_url: is required to sign in with provider custom")
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, o.opts.HTTPClient)
	da, err := o.conf.DeviceAuth(ctx)
	if err != nil {
		return "", o.endpointError("ask "+o.opts.DeviceAuthURL+" for a sign-in code", err)
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
	if tok.RefreshToken == "" {
		return "", &HintError{Err: errors.New("sign in: the provider sent no refresh token"),
			Hint: "ask for offline access (with Microsoft, the offline_access scope in oauth2.scopes)"}
	}
	account := idTokenAccount(tok)
	f := tokenFile{RefreshToken: tok.RefreshToken, Account: account, ClientID: o.opts.ClientID,
		TokenURL: o.opts.TokenURL, Updated: o.opts.Now().UTC()}
	if err := writeTokenFile(o.opts.TokenFile, f); err != nil {
		return "", fmt.Errorf("save the refresh token: %w", err)
	}
	o.setRefresh(tok.RefreshToken)
	o.keep(tok)
	o.log.Info("oauth2: signed in", "account", account, "file", o.opts.TokenFile)
	return account, nil
}

// idTokenAccount is the account an id_token names. It is for display
// only, so the signature is not checked; a token without one gives "".
func idTokenAccount(tok *oauth2.Token) string {
	raw, _ := tok.Extra("id_token").(string)
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims struct {
		Email             string `json:"email"`
		PreferredUsername string `json:"preferred_username"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	return cmp.Or(claims.Email, claims.PreferredUsername)
}
