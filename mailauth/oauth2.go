package mailauth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// OAuth2Options configures an OAuth2 token source. A zero field takes the
// default its comment gives.
type OAuth2Options struct {
	// Provider is "microsoft", "google" or "custom": the endpoints and the
	// default scopes.
	Provider string
	// Tenant is the Microsoft tenant, a GUID or a domain: default
	// "common" with the refresh_token grant, required with
	// client_credentials.
	Tenant string
	// TokenURL, DeviceAuthURL and AuthURL override the provider's
	// endpoints. TokenURL is required with provider "custom";
	// DeviceAuthURL to sign in with DeviceLogin, and AuthURL (the
	// authorization endpoint a browser opens) with BrowserLogin.
	TokenURL, DeviceAuthURL, AuthURL string
	ClientID                         string
	// ClientSecret may be empty for a public client with the
	// refresh_token grant.
	ClientSecret string
	// Scopes default to the provider's for the grant; "custom" has none.
	Scopes []string
	// Grant is "refresh_token" (the default: a person signs in once with
	// DeviceLogin or BrowserLogin, and the refresh token is kept in
	// TokenFile) or "client_credentials" (app-only tokens got with the
	// client secret).
	Grant string
	// TokenFile holds the refresh token; it is rewritten when the
	// provider replaces the token.
	TokenFile string
	// HTTPClient talks to the endpoints. Default: one with a 30 s
	// timeout, so that a stuck endpoint cannot hold up a mail login.
	HTTPClient *http.Client
	// Logger is told of new tokens and of failures, never their text.
	// Default: no logging.
	Logger *slog.Logger
	// Now is the clock that decides when a token is renewed; default
	// time.Now.
	Now func() time.Time
}

// OAuth2 is a TokenSource that gets access tokens from an OAuth2 token
// endpoint with a refresh token or the client credentials, and renews
// them before they expire. It is safe for concurrent use, so IMAP and
// SMTP share one.
type OAuth2 struct {
	opts OAuth2Options
	log  *slog.Logger
	conf oauth2.Config            // refresh_token, device and authorization_code grants
	cc   clientcredentials.Config // client_credentials grant

	// fetching is held by the one Token call that asks the endpoint, so
	// that IMAP and SMTP wanting a token at once cause one request.
	fetching chan struct{}

	mu        sync.Mutex // guards the fields below
	access    string     // "" when a new one must be got
	refreshAt time.Time  // zero: no expiry was given, used until refused
	refresh   string     // "" to read TokenFile
}

var _ TokenSource = (*OAuth2)(nil)

// NewOAuth2 checks the options and makes a token source. It asks the
// provider nothing yet and reads no file.
func NewOAuth2(opts OAuth2Options) (*OAuth2, error) {
	if errs := opts.Check(); len(errs) > 0 {
		joined := make([]error, len(errs))
		for i, e := range errs {
			joined[i] = e
		}
		return nil, errors.Join(joined...)
	}
	o := opts.withDefaults()
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	// Microsoft and Google take the client secret in the form. A custom
	// server gets what RFC 6749 (2.3.1) says every server must take, HTTP
	// Basic, and a public client names itself in the form. Not x/oauth2's
	// detection: it sends every failed request again in the other style,
	// which doubles each device-flow poll into a slow_down.
	style := oauth2.AuthStyleInParams
	if o.Provider == ProviderCustom && o.ClientSecret != "" {
		style = oauth2.AuthStyleInHeader
	}
	return &OAuth2{
		opts: o,
		log:  o.Logger,
		conf: oauth2.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, Scopes: o.Scopes,
			Endpoint: oauth2.Endpoint{TokenURL: o.TokenURL, DeviceAuthURL: o.DeviceAuthURL, AuthURL: o.AuthURL,
				AuthStyle: style}},
		cc: clientcredentials.Config{ClientID: o.ClientID, ClientSecret: o.ClientSecret, TokenURL: o.TokenURL,
			Scopes: o.Scopes, AuthStyle: style},
		fetching: make(chan struct{}, 1),
	}, nil
}

// Token returns an access token that is valid now, asking the endpoint
// for a new one when the last one is about to expire or was refused. An
// error that only a person can fix is Lasting, with a Hint.
func (o *OAuth2) Token(ctx context.Context) (string, error) {
	if tok, ok := o.current(); ok {
		return tok, nil
	}
	select {
	case o.fetching <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-o.fetching }()
	// Another caller may have got one while this one waited.
	if tok, ok := o.current(); ok {
		return tok, nil
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, o.opts.HTTPClient)
	var tok *oauth2.Token
	var err error
	if o.opts.Grant == GrantClientCredentials {
		tok, err = o.cc.Token(ctx)
		if err != nil {
			err = o.endpointError("get an app-only access token from "+o.opts.TokenURL, err)
		}
	} else {
		tok, err = o.refreshed(ctx)
	}
	if err != nil {
		return "", err
	}
	o.keep(tok)
	return tok.AccessToken, nil
}

// Refused makes the next Token call get a new token, if token is the
// current one (a token already replaced is not refused twice).
func (o *OAuth2) Refused(token string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if token != "" && token == o.access {
		o.access = ""
		o.log.Info("oauth2: a server refused the access token; the next login gets a new one")
	}
}

// current is the access token in hand, if it is not due for renewal.
func (o *OAuth2) current() (string, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.access == "" || (!o.refreshAt.IsZero() && !o.opts.Now().Before(o.refreshAt)) {
		return "", false
	}
	return o.access, true
}

// keep makes tok the current token, to be renewed a margin before it
// expires.
func (o *OAuth2) keep(tok *oauth2.Token) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.access, o.refreshAt = tok.AccessToken, time.Time{}
	if tok.Expiry.IsZero() {
		o.log.Info("oauth2: got an access token with no expiry; it is used until a server refuses it")
		return
	}
	// x/oauth2 sets Expiry from the real clock; the lifetime carries it
	// over to o.opts.Now, which tests may drive.
	life := time.Until(tok.Expiry)
	o.refreshAt = o.opts.Now().Add(life - renewalMargin(life))
	o.log.Debug("oauth2: got an access token", "lifetime", life.Round(time.Second))
}

// renewalMargin is how long before it expires a token is renewed: a
// minute covers clock skew and a slow login, and a tenth of the lifetime
// keeps short-lived tokens usable at all.
func renewalMargin(life time.Duration) time.Duration {
	return min(time.Minute, life/10)
}

// refreshed gets an access token with the refresh token, and keeps the
// refresh token the provider may send in its place.
func (o *OAuth2) refreshed(ctx context.Context) (*oauth2.Token, error) {
	rt, err := o.refreshToken()
	if err != nil {
		return nil, err
	}
	tok, err := o.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token()
	if err != nil {
		err = o.endpointError("refresh the access token at "+o.opts.TokenURL, err)
		if Lasting(err) {
			// Read the file again next time: "oauth login" may have put
			// a new refresh token there meanwhile, without a restart.
			o.setRefresh("")
		}
		return nil, err
	}
	if tok.RefreshToken != rt {
		o.setRefresh(tok.RefreshToken)
		o.saveRotated(tok.RefreshToken)
	}
	return tok, nil
}

// refreshToken is the refresh token in use, read from TokenFile the
// first time.
func (o *OAuth2) refreshToken() (string, error) {
	o.mu.Lock()
	rt := o.refresh
	o.mu.Unlock()
	if rt != "" {
		return rt, nil
	}
	f, err := readTokenFile(o.opts.TokenFile)
	if err != nil {
		return "", err
	}
	o.setRefresh(f.RefreshToken)
	return f.RefreshToken, nil
}

func (o *OAuth2) setRefresh(rt string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refresh = rt
}

// saveRotated writes a refresh token the provider sent in place of the
// old one, which it may have revoked. If that fails the new token is
// still used from memory: incidentd works until it restarts.
func (o *OAuth2) saveRotated(rt string) {
	if err := rotateTokenFile(o.opts.TokenFile, rt, o.opts.Now()); err != nil {
		o.log.Error("oauth2: the provider replaced the refresh token and it could not be saved; after a restart run "+loginCommand,
			"file", o.opts.TokenFile, "error", err)
		return
	}
	o.log.Info("oauth2: the provider replaced the refresh token; saved it", "file", o.opts.TokenFile)
}

// CheckTokenFile reports whether TokenFile holds a refresh token: nil if
// it does, or a *HintError wrapping ErrNoToken (and fs.ErrNotExist when
// the file does not exist yet) that says to run the login command. With
// the client_credentials grant there is no file to check.
func (o *OAuth2) CheckTokenFile() error {
	if o.opts.Grant != GrantRefreshToken {
		return nil
	}
	_, err := readTokenFile(o.opts.TokenFile)
	return err
}
