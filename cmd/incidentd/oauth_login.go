package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

const oauthUsage = "usage: incidentd oauth login [-browser] -config FILE"

// cmdOAuth is "incidentd oauth login": the one sign-in of the
// refresh_token grant, which writes oauth2.token_file. It is the device
// flow unless -browser asks for the authorization code flow in a browser
// on this machine, which Google requires for Gmail.
func cmdOAuth(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] != "login" {
		return errors.New(oauthUsage)
	}
	fs := flags("oauth login", e)
	path := configFlag(fs)
	browser := fs.Bool("browser", false, "sign in with a browser on this machine (or one that reaches it through ssh -L) "+
		"instead of with a device code; Google allows Gmail only this way")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	cfg, base, err := load(*path)
	if err != nil {
		return err
	}
	src, err := cfg.OAuth2.source(base, e.log)
	if err != nil {
		return err
	}
	login := src.DeviceLogin
	if *browser {
		login = src.BrowserLogin
	}
	account, err := login(ctx, e.stdout)
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
