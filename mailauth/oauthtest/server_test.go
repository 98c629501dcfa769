package oauthtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// post sends form to u and decodes the JSON answer.
func post(t *testing.T, u string, form url.Values) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestIntrospection answers as Dovecot's oauth2 passdb expects: HTTP 200,
// active with the user's email for a live token, inactive for an expired,
// revoked or unknown one, and the connection closed each time.
func TestIntrospection(t *testing.T) {
	s := Start(t, Options{ClientSecret: "secret", User: "ops@example.com", AccessTokenLifetime: 300 * time.Millisecond})
	resp, body := post(t, s.TokenURL, url.Values{"grant_type": {"client_credentials"},
		"client_id": {"incidentd-test"}, "client_secret": {"secret"}})
	if resp.StatusCode != http.StatusOK || body["expires_in"] != float64(1) {
		t.Fatalf("token: %d %v", resp.StatusCode, body)
	}
	token := body["access_token"].(string)
	introspect := func(tok string) (bool, any) {
		resp, body := post(t, s.IntrospectionURL, url.Values{"token": {tok}})
		if resp.StatusCode != http.StatusOK || !resp.Close {
			t.Errorf("introspection: status %d, connection closed %v", resp.StatusCode, resp.Close)
		}
		return body["active"] == true, body["email"]
	}
	if active, email := introspect(token); !active || email != "ops@example.com" {
		t.Errorf("live token: active %v, email %v", active, email)
	}
	if active, _ := introspect("unknown"); active {
		t.Error("unknown token active")
	}
	time.Sleep(400 * time.Millisecond)
	if active, _ := introspect(token); active {
		t.Error("expired token active")
	}
	if c := s.Counts(); c.Introspections != 3 || c.Active != 1 {
		t.Errorf("counts %+v", c)
	}
}

// TestErrors are RFC 6749 answers: invalid_client 401 with a challenge,
// invalid_grant 400 for a revoked refresh token.
func TestErrors(t *testing.T) {
	s := Start(t, Options{ClientSecret: "secret"})
	resp, body := post(t, s.TokenURL, url.Values{"grant_type": {"client_credentials"},
		"client_id": {"incidentd-test"}, "client_secret": {"wrong"}})
	if resp.StatusCode != http.StatusUnauthorized || body["error"] != "invalid_client" || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("wrong secret: %d %v %v", resp.StatusCode, body, resp.Header)
	}
	rt := s.RefreshToken()
	s.Revoke(rt)
	resp, body = post(t, s.TokenURL, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
		"client_id": {"incidentd-test"}, "client_secret": {"secret"}})
	if resp.StatusCode != http.StatusBadRequest || body["error"] != "invalid_grant" {
		t.Errorf("revoked refresh token: %d %v", resp.StatusCode, body)
	}
	if c := s.Counts(); c.Errors["invalid_client"] != 1 || c.Errors["invalid_grant"] != 1 {
		t.Errorf("counts %+v", c)
	}
}

// TestAuthorizationCode: the authorization endpoint sends the browser
// back with a code and the state; the code is exchanged once, only with
// the verifier of its challenge and the same redirect_uri.
func TestAuthorizationCode(t *testing.T) {
	s := Start(t, Options{})
	verifier := oauth2.GenerateVerifier()
	challenge := oauth2.S256ChallengeFromVerifier(verifier)
	const back = "http://127.0.0.1:5999/"
	authorize := func(query url.Values) *url.URL {
		t.Helper()
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Get(s.AuthURL + "?" + query.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, err := resp.Location()
		if resp.StatusCode != http.StatusFound || err != nil {
			t.Fatalf("authorize: %d %v", resp.StatusCode, err)
		}
		return loc
	}
	request := url.Values{"response_type": {"code"}, "client_id": {"incidentd-test"}, "redirect_uri": {back},
		"state": {"st"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	exchange := func(code, verifier, redirect string) (*http.Response, map[string]any) {
		return post(t, s.TokenURL, url.Values{"grant_type": {"authorization_code"}, "client_id": {"incidentd-test"},
			"code": {code}, "code_verifier": {verifier}, "redirect_uri": {redirect}})
	}

	for _, bad := range []struct{ name, verifier, redirect string }{
		{"wrong verifier", verifier + "x", back},
		{"wrong redirect_uri", verifier, back + "x"},
	} {
		loc := authorize(request)
		code := loc.Query().Get("code")
		if loc.Query().Get("state") != "st" || code == "" || loc.Host != "127.0.0.1:5999" {
			t.Fatalf("redirect %v", loc)
		}
		if resp, body := exchange(code, bad.verifier, bad.redirect); resp.StatusCode != http.StatusBadRequest || body["error"] != "invalid_grant" {
			t.Errorf("%s: %d %v", bad.name, resp.StatusCode, body)
		}
		// The failed try used the code up.
		if resp, body := exchange(code, verifier, back); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s, then right: %d %v", bad.name, resp.StatusCode, body)
		}
	}

	code := authorize(request).Query().Get("code")
	resp, body := exchange(code, verifier, back)
	if resp.StatusCode != http.StatusOK || body["refresh_token"] == nil || body["id_token"] == nil {
		t.Fatalf("exchange: %d %v", resp.StatusCode, body)
	}
	if resp, _ := exchange(code, verifier, back); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a code exchanged twice: %d", resp.StatusCode)
	}

	noPKCE := url.Values{"response_type": {"code"}, "client_id": {"incidentd-test"}, "redirect_uri": {back}, "state": {"st"}}
	if q := authorize(noPKCE).Query(); q.Get("error") != "invalid_request" || q.Get("code") != "" {
		t.Errorf("without PKCE: %v", q)
	}
	if c := s.Counts(); c.Grants["authorization_code"] != 1 || c.Authorizations != 3 {
		t.Errorf("counts %+v", c)
	}
}
