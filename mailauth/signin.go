package mailauth

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/oauth2"
)

// canSignIn says why a sign-in makes no sense with these options, or
// nil. DeviceLogin and BrowserLogin both ask it first.
func (o *OAuth2) canSignIn() error {
	if o.opts.Grant != GrantRefreshToken {
		return errors.New("the client_credentials grant needs no sign-in: incidentd gets its tokens with the client secret")
	}
	return nil
}

// signedIn ends a sign-in, however it was done: it writes the refresh
// token of tok to TokenFile, with the account it is for, and uses the
// access token that came with it, so that the first login after a
// sign-in asks the provider nothing. It returns the account, or "" when
// the provider did not say.
func (o *OAuth2) signedIn(tok *oauth2.Token) (string, error) {
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
