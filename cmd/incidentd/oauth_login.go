package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

const oauthUsage = "usage: incidentd oauth login -config FILE"

// cmdOAuth is "incidentd oauth login": the one sign-in of the
// refresh_token grant, by the device flow, which writes
// oauth2.token_file.
func cmdOAuth(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] != "login" {
		return errors.New(oauthUsage)
	}
	cfg, base, err := configured("oauth login", e, args[1:])
	if err != nil {
		return err
	}
	src, err := cfg.OAuth2.source(base, e.log)
	if err != nil {
		return err
	}
	account, err := src.DeviceLogin(ctx, e.stdout)
	if err != nil {
		return err
	}
	file := resolve(base, cfg.OAuth2.TokenFile)
	if account == "" {
		fmt.Fprintf(e.stdout, "Signed in; the provider did not say which account. The refresh token is in %s.\n", file)
		fmt.Fprintf(e.stdout, "Sesión iniciada; el proveedor no dijo con qué cuenta. El token de actualización está en %s.\n", file)
		return nil
	}
	fmt.Fprintf(e.stdout, "Signed in as %s. The refresh token is in %s.\n", account, file)
	fmt.Fprintf(e.stdout, "Sesión iniciada como %s. El token de actualización está en %s.\n", account, file)
	// A server takes the token for the user it was issued to, or for a
	// mailbox that user may open (a shared one).
	for _, s := range []struct {
		section, username string
		oauth2            bool
	}{{"imap", cfg.IMAP.Username, cfg.IMAP.oauth2()}, {"smtp", cfg.SMTP.Username, cfg.SMTP.oauth2()}} {
		if s.oauth2 && !strings.EqualFold(s.username, account) {
			fmt.Fprintf(e.stderr, "warning: %s.username is %q, but the token is for %s: "+
				"the server refuses it unless %s may open that mailbox\n", s.section, s.username, account, account)
		}
	}
	return nil
}
