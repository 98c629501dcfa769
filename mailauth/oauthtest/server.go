// Package oauthtest is an OAuth2 authorization server for tests, in
// process: a token endpoint (grants refresh_token with rotation,
// client_credentials, device_code and authorization_code with PKCE), a
// device authorization endpoint (RFC 8628), an authorization endpoint
// that approves at once, a Browser that opens it as a person would,
// id_tokens naming the user, and a token introspection
// endpoint (RFC 7662) that Dovecot's oauth2 passdb asks. It listens on
// 127.0.0.1, an IP, because Dovecot cannot resolve names without its DNS
// helper.
package oauthtest

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Options configures a Server. A zero field takes the default its
// comment gives.
type Options struct {
	// ClientID is the only client the server knows; default
	// "incidentd-test".
	ClientID string
	// ClientSecret is the secret the client must show; "" (the default)
	// makes it a public client that shows none.
	ClientSecret string
	// User is the email address tokens are issued for; default
	// "incidents@example.com".
	User string
	// AccessTokenLifetime is how long access tokens live, rounded up to
	// whole seconds as expires_in is; default one hour. A short one (2 s)
	// makes a token expire in the middle of a test.
	AccessTokenLifetime time.Duration
	// ManualApproval makes device codes wait for Approve; by default a
	// code is approved after the first poll, which is answered
	// authorization_pending.
	ManualApproval bool
}

// Server is a running test authorization server.
type Server struct {
	// URL is the base address, http://127.0.0.1:PORT.
	URL string
	// The endpoints: TokenURL, DeviceAuthURL, AuthURL (the authorization
	// endpoint, which approves every request at once) and
	// IntrospectionURL, which takes a POST with the form field token.
	TokenURL, DeviceAuthURL, AuthURL, IntrospectionURL string

	opts Options

	mu      sync.Mutex // guards the fields below
	secret  string
	access  map[string]time.Time // live access tokens and their expiry
	refresh map[string]bool      // live refresh tokens
	devices map[string]*device   // by device code
	codes   map[string]*authCode // authorization codes not yet exchanged
	issued  []string             // every token and code ever handed out
	counts  Counts
}

// device is a pending device authorization.
type device struct {
	expiry   time.Time
	lastPoll time.Time
	approved bool
}

// Counts are what the server did, for assertions.
type Counts struct {
	// Grants counts the tokens issued, by grant_type
	// ("refresh_token", "client_credentials", "authorization_code",
	// "urn:ietf:params:oauth:grant-type:device_code").
	Grants map[string]int
	// Refreshes is Grants["refresh_token"].
	Refreshes int
	// Errors counts the error answers of the token, device and
	// authorization endpoints, by RFC 6749 or RFC 8628 error code.
	Errors map[string]int
	// DeviceAuthorizations counts the codes handed out.
	DeviceAuthorizations int
	// Authorizations counts the authorization codes handed out.
	Authorizations int
	// Introspections counts the introspection requests, Active those
	// answered active.
	Introspections, Active int
}

// Start starts a server on 127.0.0.1:0, closed when the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.ClientID == "" {
		opts.ClientID = "incidentd-test"
	}
	if opts.User == "" {
		opts.User = "incidents@example.com"
	}
	if opts.AccessTokenLifetime <= 0 {
		opts.AccessTokenLifetime = time.Hour
	}
	s := &Server{opts: opts, secret: opts.ClientSecret, access: map[string]time.Time{}, refresh: map[string]bool{},
		devices: map[string]*device{}, codes: map[string]*authCode{},
		counts: Counts{Grants: map[string]int{}, Errors: map[string]int{}}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("POST /device", s.deviceAuthorization)
	mux.HandleFunc("GET /authorize", s.authorize)
	mux.HandleFunc("POST /introspect", s.introspect)
	mux.HandleFunc("GET /verify", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "sign-in pages are not part of the test server; call Approve", http.StatusNotImplemented)
	})
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	s.TokenURL, s.DeviceAuthURL, s.AuthURL, s.IntrospectionURL = hs.URL+"/token", hs.URL+"/device", hs.URL+"/authorize",
		hs.URL+"/introspect"
	return s
}

// SetClientSecret changes the secret the client must show from now on,
// e.g. to fix a wrong one in the middle of a test.
func (s *Server) SetClientSecret(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secret = secret
}

// Approve approves every pending device code, as a person signing in would.
func (s *Server) Approve() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.devices {
		d.approved = true
	}
}

// RefreshToken issues a refresh token without a device flow, to write
// into a token file.
func (s *Server) RefreshToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newRefreshToken()
}

// Revoke makes a token dead: an access token is then answered inactive,
// a refresh token invalid_grant.
func (s *Server) Revoke(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.access, token)
	delete(s.refresh, token)
}

// Counts returns a copy of the counters.
func (s *Server) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counts
	c.Grants, c.Errors = maps.Clone(s.counts.Grants), maps.Clone(s.counts.Errors)
	c.Refreshes = c.Grants["refresh_token"]
	return c
}

// Secrets returns every token, device code and authorization code the
// server ever handed out, and the client secrets it knew, so that a test
// can check none of them leaked into logs or error messages.
func (s *Server) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]string(nil), s.issued...)
	for _, v := range []string{s.opts.ClientSecret, s.secret} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
