package mailauth

import (
	"slices"
	"testing"
)

// TestProviderDefaults holds the endpoints and scopes taken from the
// providers' documentation.
func TestProviderDefaults(t *testing.T) {
	for _, tc := range []struct {
		opts          OAuth2Options
		token, device string
		scopes        []string
	}{
		{OAuth2Options{Provider: ProviderMicrosoft},
			"https://login.microsoftonline.com/common/oauth2/v2.0/token",
			"https://login.microsoftonline.com/common/oauth2/v2.0/devicecode",
			[]string{"https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send",
				"offline_access", "openid", "profile", "email"}},
		{OAuth2Options{Provider: ProviderMicrosoft, Grant: GrantClientCredentials, Tenant: "example.onmicrosoft.com"},
			"https://login.microsoftonline.com/example.onmicrosoft.com/oauth2/v2.0/token",
			"https://login.microsoftonline.com/example.onmicrosoft.com/oauth2/v2.0/devicecode",
			[]string{"https://outlook.office365.com/.default"}},
		{OAuth2Options{Provider: ProviderGoogle},
			"https://oauth2.googleapis.com/token", "https://oauth2.googleapis.com/device/code",
			[]string{"https://mail.google.com/", "openid", "email"}},
		{OAuth2Options{Provider: ProviderGoogle, TokenURL: "http://127.0.0.1:1/t", Scopes: []string{"x"}},
			"http://127.0.0.1:1/t", "https://oauth2.googleapis.com/device/code", []string{"x"}},
	} {
		o := tc.opts.withDefaults()
		if o.TokenURL != tc.token || o.DeviceAuthURL != tc.device || !slices.Equal(o.Scopes, tc.scopes) {
			t.Errorf("%+v: got %s %s %q", tc.opts, o.TokenURL, o.DeviceAuthURL, o.Scopes)
		}
	}
}

// TestCheck: every problem is reported at once, with its key.
func TestCheck(t *testing.T) {
	ok := OAuth2Options{Provider: ProviderMicrosoft, ClientID: "id", TokenFile: "token.json"}
	for _, tc := range []struct {
		name string
		edit func(*OAuth2Options)
		keys []string
	}{
		{"valid", func(*OAuth2Options) {}, nil},
		{"nothing", func(o *OAuth2Options) { *o = OAuth2Options{} },
			[]string{"oauth2.provider", "oauth2.client_id", "oauth2.token_file"}},
		{"unknown grant", func(o *OAuth2Options) { o.Grant = "password" }, []string{"oauth2.grant"}},
		{"custom without token_url", func(o *OAuth2Options) { o.Provider = ProviderCustom }, []string{"oauth2.token_url"}},
		{"plain http to another machine", func(o *OAuth2Options) {
			o.TokenURL, o.DeviceAuthURL = "http://login.example.com/token", "ftp://x"
		}, []string{"oauth2.token_url", "oauth2.device_auth_url"}},
		{"tenant of another provider", func(o *OAuth2Options) { o.Provider, o.Tenant = ProviderGoogle, "x" }, []string{"oauth2.tenant"}},
		{"bad tenant", func(o *OAuth2Options) { o.Tenant = "../x" }, []string{"oauth2.tenant"}},
		{"app-only without secret or tenant", func(o *OAuth2Options) { o.Grant = GrantClientCredentials },
			[]string{"oauth2.tenant", "oauth2.client_secret_env"}},
		{"app-only with tenant common", func(o *OAuth2Options) {
			o.Grant, o.Tenant, o.ClientSecret = GrantClientCredentials, "common", "s"
		}, []string{"oauth2.tenant"}},
		{"app-only with Google", func(o *OAuth2Options) {
			o.Provider, o.Grant, o.ClientSecret = ProviderGoogle, GrantClientCredentials, "s"
		}, []string{"oauth2.grant"}},
	} {
		o := ok
		tc.edit(&o)
		var keys []string
		for _, e := range o.Check() {
			keys = append(keys, e.Key)
		}
		if !slices.Equal(keys, tc.keys) {
			t.Errorf("%s: keys %q, want %q (%v)", tc.name, keys, tc.keys, o.Check())
		}
	}
}
