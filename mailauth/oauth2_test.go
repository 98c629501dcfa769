package mailauth_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"incidentd/mailauth"
	"incidentd/mailauth/oauthtest"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fixture is a token source of srv whose token file holds a refresh token
// srv issued, and whose log is checked for secrets when the test ends.
type fixture struct {
	src   *mailauth.OAuth2
	opts  mailauth.OAuth2Options
	clock *clock
	logs  *bytes.Buffer
}

func newFixture(t *testing.T, srv *oauthtest.Server, edit func(*mailauth.OAuth2Options)) *fixture {
	t.Helper()
	f := &fixture{clock: &clock{t: time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)}, logs: &bytes.Buffer{}}
	f.opts = mailauth.OAuth2Options{
		Provider: mailauth.ProviderCustom, TokenURL: srv.TokenURL, DeviceAuthURL: srv.DeviceAuthURL,
		ClientID: "incidentd-test", TokenFile: filepath.Join(t.TempDir(), "token.json"),
		Logger: slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:    f.clock.Now,
	}
	writeJSONFile(t, f.opts.TokenFile, map[string]any{"refresh_token": srv.RefreshToken()})
	if edit != nil {
		edit(&f.opts)
	}
	var err error
	if f.src, err = mailauth.NewOAuth2(f.opts); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { noSecrets(t, "the log", f.logs.String(), srv) })
	return f
}

func (f *fixture) token(t *testing.T) string {
	t.Helper()
	tok, err := f.src.Token(t.Context())
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	return tok
}

// noSecrets fails the test if text holds a token, a device code or a
// client secret that srv knows.
func noSecrets(t *testing.T, what, text string, srv *oauthtest.Server) {
	t.Helper()
	for _, s := range srv.Secrets() {
		if strings.Contains(text, s) {
			t.Errorf("%s holds the secret %q:\n%s", what, s, text)
		}
	}
}

func writeJSONFile(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRenewsBeforeExpiry: a token is reused while it is fresh and renewed
// a margin before it expires: a minute for a one-hour token, a tenth of
// the lifetime for a short one.
func TestRenewsBeforeExpiry(t *testing.T) {
	for _, tc := range []struct {
		lifetime, reused, renewed time.Duration
	}{
		{time.Hour, 58 * time.Minute, 59*time.Minute + time.Second},
		{2 * time.Second, 1700 * time.Millisecond, 1850 * time.Millisecond},
	} {
		srv := oauthtest.Start(t, oauthtest.Options{AccessTokenLifetime: tc.lifetime})
		f := newFixture(t, srv, nil)
		first := f.token(t)
		f.clock.Advance(tc.reused)
		if got := f.token(t); got != first {
			t.Errorf("lifetime %v: renewed after %v already", tc.lifetime, tc.reused)
		}
		f.clock.Advance(tc.renewed - tc.reused)
		if got := f.token(t); got == first {
			t.Errorf("lifetime %v: not renewed after %v", tc.lifetime, tc.renewed)
		}
		if n := srv.Counts().Refreshes; n != 2 {
			t.Errorf("lifetime %v: %d refreshes, want 2", tc.lifetime, n)
		}
	}
}

// TestRotation: the refresh token the server sends in place of the old
// one is written back atomically, mode 0600, keeping the file's other
// keys; the server refuses the old one afterwards.
func TestRotation(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	old := srv.RefreshToken()
	f := newFixture(t, srv, func(o *mailauth.OAuth2Options) {
		writeJSONFile(t, o.TokenFile, map[string]any{"refresh_token": old, "account": "a@example.com", "from_the_future": 42})
	})
	f.token(t)

	info, err := os.Stat(f.opts.TokenFile)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", info.Mode().Perm())
	}
	var saved map[string]any
	b, err := os.ReadFile(f.opts.TokenFile)
	if err != nil || json.Unmarshal(b, &saved) != nil {
		t.Fatalf("token file unreadable: %v\n%s", err, b)
	}
	if saved["refresh_token"] == old || saved["refresh_token"] == "" {
		t.Errorf("the rotated refresh token was not written back: %s", b)
	}
	if saved["account"] != "a@example.com" || saved["from_the_future"] != float64(42) {
		t.Errorf("the other keys were not kept: %s", b)
	}
	entries, err := os.ReadDir(filepath.Dir(f.opts.TokenFile))
	if err != nil || len(entries) != 1 {
		t.Errorf("temporary files left behind: %v %v", entries, err)
	}

	// Another source with the old token is refused: it was revoked.
	stale := newFixture(t, srv, func(o *mailauth.OAuth2Options) {
		writeJSONFile(t, o.TokenFile, map[string]any{"refresh_token": old})
	})
	_, err = stale.src.Token(t.Context())
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || !mailauth.Lasting(err) {
		t.Fatalf("old refresh token: got %v, want a lasting invalid_grant", err)
	}
	if hint := mailauth.Hint(err); !strings.Contains(hint, "incidentd oauth login") {
		t.Errorf("hint %q does not say to sign in again", hint)
	}
	noSecrets(t, "the error", err.Error(), srv)
}

// TestRefused: a refused token is replaced at the next call; refusing a
// token that is no longer current changes nothing.
func TestRefused(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	f := newFixture(t, srv, nil)
	first := f.token(t)
	f.src.Refused("some older token")
	if f.token(t) != first {
		t.Fatal("refusing another token replaced the current one")
	}
	f.src.Refused(first)
	second := f.token(t)
	if second == first {
		t.Fatal("the refused token was given again")
	}
	f.src.Refused(first)
	if f.token(t) != second || srv.Counts().Refreshes != 2 {
		t.Errorf("a stale refusal caused a refresh: %+v", srv.Counts())
	}
}

// TestConcurrentCallersShareOneRefresh: IMAP and SMTP asking at once get
// the same token from one request.
func TestConcurrentCallersShareOneRefresh(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	f := newFixture(t, srv, nil)
	var wg sync.WaitGroup
	tokens := make([]string, 16)
	for i := range tokens {
		wg.Go(func() { tokens[i] = f.token(t) })
	}
	wg.Wait()
	for _, tok := range tokens {
		if tok != tokens[0] {
			t.Fatalf("different tokens: %q", tokens)
		}
	}
	if n := srv.Counts().Refreshes; n != 1 {
		t.Errorf("%d refreshes, want 1", n)
	}
}

// TestWrongClientSecret: the refusal says what to check, does not quote
// the secret, and the source recovers once the secret is right.
func TestWrongClientSecret(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{ClientSecret: "the-right-secret"})
	f := newFixture(t, srv, func(o *mailauth.OAuth2Options) { o.ClientSecret = "a-wrong-secret" })
	_, err := f.src.Token(t.Context())
	if err == nil || !mailauth.Lasting(err) || !strings.Contains(err.Error(), `"invalid_client"`) ||
		!strings.Contains(mailauth.Hint(err), "client secret") {
		t.Fatalf("got %v (hint %q), want a lasting invalid_client that names the client secret", err, mailauth.Hint(err))
	}
	if strings.Contains(err.Error(), "a-wrong-secret") || strings.Contains(f.logs.String(), "a-wrong-secret") {
		t.Errorf("the secret was quoted: %v\n%s", err, f.logs)
	}
	noSecrets(t, "the error", err.Error(), srv)

	srv.SetClientSecret("a-wrong-secret")
	f.token(t)
}

// TestTokenFileProblems: a missing, corrupt or empty token file says so,
// names the file and says to sign in.
func TestTokenFileProblems(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{})
	for name, content := range map[string]string{"missing": "", "corrupt": "{not json", "empty": "{}"} {
		f := newFixture(t, srv, func(o *mailauth.OAuth2Options) {
			os.Remove(o.TokenFile)
			if content != "" {
				if err := os.WriteFile(o.TokenFile, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
		})
		for _, err := range []error{f.src.CheckTokenFile(), func() error { _, err := f.src.Token(t.Context()); return err }()} {
			if !errors.Is(err, mailauth.ErrNoToken) || !mailauth.Lasting(err) ||
				!strings.Contains(err.Error(), f.opts.TokenFile) || !strings.Contains(mailauth.Hint(err), "incidentd oauth login -config") {
				t.Errorf("%s token file: got %v (hint %q)", name, err, mailauth.Hint(err))
			}
			if errors.Is(err, fs.ErrNotExist) != (name == "missing") {
				t.Errorf("%s token file: fs.ErrNotExist is %v", name, errors.Is(err, fs.ErrNotExist))
			}
		}
	}
	if srv.Counts().Refreshes != 0 {
		t.Error("the server was asked without a refresh token")
	}
}

// TestClientCredentials: app-only tokens need no token file.
func TestClientCredentials(t *testing.T) {
	srv := oauthtest.Start(t, oauthtest.Options{ClientSecret: "s3cret"})
	f := newFixture(t, srv, func(o *mailauth.OAuth2Options) {
		o.Grant, o.ClientSecret, o.TokenFile = mailauth.GrantClientCredentials, "s3cret", ""
	})
	first := f.token(t)
	f.src.Refused(first)
	if f.token(t) == first {
		t.Error("the refused app-only token was given again")
	}
	if c := srv.Counts(); c.Grants["client_credentials"] != 2 || c.Refreshes != 0 {
		t.Errorf("counts %+v", c)
	}
}

// TestServerTroubleIsNotLasting: HTTP 5xx and a network failure may pass
// by themselves, so they are not reported as a person's problem.
func TestServerTroubleIsNotLasting(t *testing.T) {
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>maintenance</html>", http.StatusServiceUnavailable)
	}))
	defer down.Close()
	srv := oauthtest.Start(t, oauthtest.Options{})
	f := newFixture(t, srv, func(o *mailauth.OAuth2Options) { o.TokenURL = down.URL })
	_, err := f.src.Token(t.Context())
	if err == nil || mailauth.Lasting(err) || strings.Contains(err.Error(), "maintenance") {
		t.Fatalf("got %v, want a passing error that does not quote the body", err)
	}
	down.Close()
	if _, err := f.src.Token(t.Context()); err == nil || mailauth.Lasting(err) {
		t.Fatalf("endpoint down: got %v, want a passing error", err)
	}
}
