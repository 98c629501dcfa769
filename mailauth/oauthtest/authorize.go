package oauthtest

import (
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"time"
)

// authCode is an authorization code handed out and not yet exchanged.
type authCode struct {
	challenge   string // the S256 code_challenge of the request
	redirectURI string
	expiry      time.Time
}

// authorize is the authorization endpoint (RFC 6749 section 4.1.1) with
// PKCE (RFC 7636), for a native client's loopback redirect (RFC 8252
// section 7.3). The person approves at once: it sends the browser back
// to redirect_uri with a code and the state.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	back, err := url.Parse(q.Get("redirect_uri"))
	// With an unknown client or redirect_uri the browser must not be sent
	// back (RFC 6749 section 4.1.2.1): it would go where nobody asked.
	switch {
	case q.Get("client_id") != s.opts.ClientID:
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	case err != nil || back.Scheme != "http" || !net.ParseIP(back.Hostname()).IsLoopback() || back.Port() == "":
		http.Error(w, "redirect_uri must be http://127.0.0.1:PORT/ or another loopback IP with a port", http.StatusBadRequest)
		return
	}
	answer := back.Query()
	answer.Set("state", q.Get("state"))
	switch {
	case q.Get("response_type") != "code":
		s.counts.Errors["unsupported_response_type"]++
		answer.Set("error", "unsupported_response_type")
	case q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256":
		s.counts.Errors["invalid_request"]++
		answer.Set("error", "invalid_request")
		answer.Set("error_description", "PKCE with code_challenge_method S256 is required")
	default:
		code := s.newToken("code")
		s.codes[code] = &authCode{challenge: q.Get("code_challenge"), redirectURI: back.String(),
			expiry: time.Now().Add(time.Minute)}
		s.counts.Authorizations++
		answer.Set("code", code)
	}
	back.RawQuery = answer.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// exchange answers the authorization_code grant (RFC 6749 section 4.1.3)
// with the PKCE check (RFC 7636 section 4.6). The token endpoint has
// authenticated the client, the only one the server knows, so the code
// is for it.
func (s *Server) exchange(w http.ResponseWriter, form url.Values) {
	code := form.Get("code")
	c, ok := s.codes[code]
	// A code is good for one try (RFC 6749 section 4.1.2).
	delete(s.codes, code)
	sum := sha256.Sum256([]byte(form.Get("code_verifier")))
	switch {
	case !ok:
		s.fail(w, http.StatusBadRequest, "invalid_grant", "unknown or used code")
	case time.Now().After(c.expiry):
		s.fail(w, http.StatusBadRequest, "invalid_grant", "the code expired")
	case form.Get("redirect_uri") != c.redirectURI:
		s.fail(w, http.StatusBadRequest, "invalid_grant", "redirect_uri is not the one of the authorization request")
	case base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge:
		s.fail(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the code_challenge")
	default:
		s.grant(w, "authorization_code", s.newRefreshToken())
	}
}
