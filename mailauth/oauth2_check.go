package mailauth

import (
	"cmp"
	"fmt"
	"net/url"
	"regexp"
	"slices"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/endpoints"
)

// Providers and grants of OAuth2Options.
const (
	ProviderMicrosoft = "microsoft"
	ProviderGoogle    = "google"
	ProviderCustom    = "custom"

	GrantRefreshToken      = "refresh_token"
	GrantClientCredentials = "client_credentials"
)

// provider holds what incidentd knows of a provider, from its documentation.
type provider struct {
	endpoint func(tenant string) oauth2.Endpoint
	// delegated are the scopes of the refresh_token grant (the mailbox of
	// the user who signs in, plus what names that user in the id_token);
	// appOnly those of the client_credentials grant, nil if the provider
	// has none for mail.
	delegated, appOnly []string
}

var providers = map[string]provider{
	// Microsoft 365 and Outlook.com: the IMAP and SMTP scopes of Exchange
	// Online, offline_access for a refresh token, and openid, profile and
	// email for preferred_username and email in the id_token. App-only
	// tokens ask for the .default scope of Exchange Online.
	ProviderMicrosoft: {
		endpoint: endpoints.AzureAD,
		delegated: []string{"https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send",
			"offline_access", "openid", "profile", "email"},
		appOnly: []string{"https://outlook.office365.com/.default"},
	},
	// Gmail: one scope covers IMAP and SMTP; Google has no
	// client_credentials grant for mail (a Workspace service account uses
	// a signed JWT instead, which incidentd does not do).
	ProviderGoogle: {
		endpoint:  func(string) oauth2.Endpoint { return endpoints.Google },
		delegated: []string{"https://mail.google.com/", "openid", "email"},
	},
	// A custom server has no defaults: token_url is required.
	ProviderCustom: {},
}

// KeyError is a problem of the options, with the configuration key it
// comes from.
type KeyError struct {
	Key     string // e.g. "oauth2.client_id"
	Problem string
}

func (e KeyError) Error() string { return e.Key + ": " + e.Problem }

// tenantName is a Microsoft tenant: a GUID, a domain or common,
// organizations, consumers. It becomes a path segment of the endpoints.
var tenantName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*$`)

// Check returns every problem of the options at once, each with its
// configuration key. It reads no file: the token file is state that
// "incidentd oauth login" makes, so a missing one is not a configuration
// error; CheckTokenFile and Token report one that is missing or broken.
func (o OAuth2Options) Check() []KeyError {
	var errs []KeyError
	bad := func(key, format string, args ...any) {
		errs = append(errs, KeyError{Key: key, Problem: fmt.Sprintf(format, args...)})
	}
	o = o.withDefaults()
	if _, ok := providers[o.Provider]; !ok {
		bad("oauth2.provider", "%q is not one of microsoft, google, custom", o.Provider)
	}
	if o.Grant != GrantRefreshToken && o.Grant != GrantClientCredentials {
		bad("oauth2.grant", "%q is not one of refresh_token, client_credentials", o.Grant)
	}
	if o.ClientID == "" {
		bad("oauth2.client_id", "is required")
	}
	if o.Provider == ProviderCustom && o.TokenURL == "" {
		bad("oauth2.token_url", "is required with provider custom")
	}
	checkURL := func(key, v string) {
		if v == "" {
			return
		}
		u, err := url.Parse(v)
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
			bad(key, "%q is not an http or https URL", v)
		case u.Scheme == "http" && !loopback(u.Hostname()):
			bad(key, "%q: the client secret and the tokens would cross the network in clear text; use https", v)
		}
	}
	checkURL("oauth2.token_url", o.TokenURL)
	checkURL("oauth2.device_auth_url", o.DeviceAuthURL)
	checkURL("oauth2.auth_url", o.AuthURL)
	switch {
	case o.Provider == ProviderMicrosoft && o.Tenant == "":
		bad("oauth2.tenant", "is required with the client_credentials grant")
	case o.Provider == ProviderMicrosoft && !tenantName.MatchString(o.Tenant):
		bad("oauth2.tenant", "%q is not a tenant ID or domain", o.Tenant)
	case o.Provider != ProviderMicrosoft && o.Tenant != "":
		bad("oauth2.tenant", "is only used with provider microsoft")
	}
	switch o.Grant {
	case GrantClientCredentials:
		if o.ClientSecret == "" {
			bad("oauth2.client_secret_env", "the client_credentials grant needs a client secret: set client_secret_env or client_secret_file")
		}
		if o.Provider == ProviderGoogle {
			bad("oauth2.grant", "Google has no client_credentials grant for mail; use refresh_token")
		}
		if o.Provider == ProviderMicrosoft && slices.Contains([]string{"common", "organizations", "consumers"}, o.Tenant) {
			bad("oauth2.tenant", "app-only tokens need your own tenant: its ID or domain (e.g. example.onmicrosoft.com), not %q", o.Tenant)
		}
	case GrantRefreshToken:
		if o.TokenFile == "" {
			bad("oauth2.token_file", "is required with the refresh_token grant")
		}
	}
	return errs
}

// withDefaults fills in the defaults documented on OAuth2Options.
func (o OAuth2Options) withDefaults() OAuth2Options {
	if o.Grant == "" {
		o.Grant = GrantRefreshToken
	}
	if o.Provider == ProviderMicrosoft && o.Tenant == "" && o.Grant != GrantClientCredentials {
		o.Tenant = "common"
	}
	p := providers[o.Provider]
	if p.endpoint != nil {
		e := p.endpoint(o.Tenant)
		o.TokenURL = cmp.Or(o.TokenURL, e.TokenURL)
		o.DeviceAuthURL = cmp.Or(o.DeviceAuthURL, e.DeviceAuthURL)
		o.AuthURL = cmp.Or(o.AuthURL, e.AuthURL)
	}
	if o.Scopes == nil {
		o.Scopes = p.delegated
		if o.Grant == GrantClientCredentials {
			o.Scopes = p.appOnly
		}
	}
	return o
}
