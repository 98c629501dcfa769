package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"incidentd/mailauth"
)

// OAuth2Config is the [oauth2] section: where the access tokens come from
// when imap.auth or smtp.auth is "xoauth2" or "oauthbearer".
type OAuth2Config struct {
	// Provider is "microsoft", "google" or "custom".
	Provider string `toml:"provider"`
	// Tenant is the Microsoft tenant: default "common", required with
	// the client_credentials grant.
	Tenant string `toml:"tenant"`
	// TokenURL, DeviceAuthURL and AuthURL replace the provider's
	// endpoints. AuthURL, the authorization endpoint, is what
	// "incidentd oauth login -browser" opens; a custom provider needs it
	// for that.
	TokenURL      string `toml:"token_url"`
	DeviceAuthURL string `toml:"device_auth_url"`
	AuthURL       string `toml:"auth_url"`
	ClientID      string `toml:"client_id"`
	// The client secret comes from an environment variable or a file,
	// never from the configuration; a public client has none.
	ClientSecretEnv  string `toml:"client_secret_env"`
	ClientSecretFile string `toml:"client_secret_file"`
	// Scopes replace the provider's defaults.
	Scopes []string `toml:"scopes"`
	// Grant is "refresh_token" (default) or "client_credentials".
	Grant string `toml:"grant"`
	// TokenFile keeps the refresh token that "incidentd oauth login"
	// gets.
	TokenFile string `toml:"token_file"`
}

// usesOAuth2 reports whether either server is logged in to with an
// access token.
func (c *Config) usesOAuth2() bool {
	return c.IMAP.oauth2() || c.SMTP.oauth2()
}

// validateOAuth2 reports the problems of the [oauth2] section, which only
// matters when a server logs in with OAuth2. The token file is not read
// here: it is state that "incidentd oauth login" makes, and that command
// must work while the file is missing or broken.
func (c *Config) validateOAuth2(bad func(key, format string, args ...any)) {
	if !c.usesOAuth2() {
		return
	}
	opts, err := c.OAuth2.options(c.dir, nil)
	if err != nil {
		bad(c.OAuth2.secretKey(), "%v", err)
	}
	for _, e := range opts.Check() {
		// A secret that is set but cannot be read was reported above.
		if err == nil || e.Key != "oauth2.client_secret_env" {
			bad(e.Key, "%s", e.Problem)
		}
	}
}

// secretKey is the key that names the client secret.
func (o OAuth2Config) secretKey() string {
	if o.ClientSecretFile != "" {
		return "oauth2.client_secret_file"
	}
	return "oauth2.client_secret_env"
}

// options are the section as mailauth options: relative paths start at
// base, and the client secret is read.
func (o OAuth2Config) options(base string, log *slog.Logger) (mailauth.OAuth2Options, error) {
	opts := mailauth.OAuth2Options{Provider: o.Provider, Tenant: o.Tenant, TokenURL: o.TokenURL,
		DeviceAuthURL: o.DeviceAuthURL, AuthURL: o.AuthURL, ClientID: o.ClientID, Scopes: o.Scopes, Grant: o.Grant,
		TokenFile: resolve(base, o.TokenFile), Logger: log}
	if o.ClientSecretEnv == "" && o.ClientSecretFile == "" {
		return opts, nil
	}
	secret, err := Secret{PasswordEnv: o.ClientSecretEnv, PasswordFile: o.ClientSecretFile}.password(base)
	if err != nil {
		return opts, fmt.Errorf("client secret: %w", err)
	}
	opts.ClientSecret = secret
	return opts, nil
}

// source is the token source the section describes.
func (o OAuth2Config) source(base string, log *slog.Logger) (*mailauth.OAuth2, error) {
	opts, err := o.options(base, log)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.secretKey(), err)
	}
	return mailauth.NewOAuth2(opts)
}

// tokenSource is the source of the access tokens of both servers, or
// nil when neither uses OAuth2. A token file that cannot be read is an
// error at start-up, naming oauth2.token_file; one that does not exist
// yet is only a warning: logins fail until "incidentd oauth login" writes
// it, and then succeed without a restart.
func (c *Config) tokenSource(base string, log *slog.Logger) (mailauth.TokenSource, error) {
	if !c.usesOAuth2() {
		return nil, nil
	}
	src, err := c.OAuth2.source(base, log)
	if err != nil {
		return nil, err
	}
	switch err := src.CheckTokenFile(); {
	case errors.Is(err, fs.ErrNotExist):
		log.Warn("no OAuth2 refresh token yet: logins fail until someone signs in",
			"file", resolve(base, c.OAuth2.TokenFile), "hint", mailauth.Hint(err))
	case err != nil:
		return nil, err
	}
	return src, nil
}
