package oauthtest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"time"
)

const (
	deviceGrant = "urn:ietf:params:oauth:grant-type:device_code"
	// pollInterval is the interval device codes ask clients to poll at,
	// the shortest RFC 8628 can say (whole seconds).
	pollInterval = time.Second
)

// token is the token endpoint (RFC 6749 section 3.2).
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := r.ParseForm(); err != nil {
		s.fail(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	if !s.clientAuthenticated(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="oauthtest"`)
		s.fail(w, http.StatusUnauthorized, "invalid_client", "client authentication failed")
		return
	}
	switch grant := r.PostForm.Get("grant_type"); grant {
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if !s.refresh[rt] {
			s.fail(w, http.StatusBadRequest, "invalid_grant", "the refresh token is invalid, expired or revoked")
			return
		}
		// Rotation: the old refresh token is dead from now on.
		delete(s.refresh, rt)
		s.grant(w, grant, s.newRefreshToken())
	case "client_credentials":
		if s.secret == "" {
			s.fail(w, http.StatusBadRequest, "unauthorized_client", "a public client cannot use client_credentials")
			return
		}
		s.grant(w, grant, "")
	case deviceGrant:
		s.devicePoll(w, r.PostForm.Get("device_code"))
	case "authorization_code":
		s.exchange(w, r.PostForm)
	default:
		s.fail(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type "+grant+" is not supported")
	}
}

// clientAuthenticated reports whether the request names the client and,
// unless it is public, shows its secret: in HTTP Basic authentication
// (form-encoded, RFC 6749 section 2.3.1) or in the form.
func (s *Server) clientAuthenticated(r *http.Request) bool {
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	return id == s.opts.ClientID && (s.secret == "" || secret == s.secret)
}

// devicePoll answers a client polling for the token of a device code
// (RFC 8628 section 3.5).
func (s *Server) devicePoll(w http.ResponseWriter, code string) {
	d, ok := s.devices[code]
	now := time.Now()
	switch {
	case !ok:
		s.fail(w, http.StatusBadRequest, "invalid_grant", "unknown device code")
	case now.After(d.expiry):
		delete(s.devices, code)
		s.fail(w, http.StatusBadRequest, "expired_token", "the device code expired")
	case now.Sub(d.lastPoll) < pollInterval/2:
		// Half the interval: a client that keeps to it is never told
		// to slow down because of scheduling jitter.
		d.lastPoll = now
		s.fail(w, http.StatusBadRequest, "slow_down", "poll less often")
	case !d.approved:
		d.lastPoll = now
		// The person signs in after the first poll.
		d.approved = !s.opts.ManualApproval
		s.fail(w, http.StatusBadRequest, "authorization_pending", "the user has not signed in yet")
	default:
		delete(s.devices, code)
		s.grant(w, deviceGrant, s.newRefreshToken())
	}
}

// deviceAuthorization is the device authorization endpoint (RFC 8628
// section 3.1). x/oauth2 sends only the client_id there, so that is all
// it checks.
func (s *Server) deviceAuthorization(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := r.ParseForm(); err != nil {
		s.fail(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	if r.PostForm.Get("client_id") != s.opts.ClientID {
		s.fail(w, http.StatusUnauthorized, "invalid_client", "unknown client")
		return
	}
	const lifetime = 10 * time.Minute
	code := s.newToken("device")
	s.devices[code] = &device{expiry: time.Now().Add(lifetime)}
	s.counts.DeviceAuthorizations++
	writeJSON(w, http.StatusOK, map[string]any{
		"device_code":      code,
		"user_code":        rand.Text()[:4] + "-" + rand.Text()[:4],
		"verification_uri": s.URL + "/verify",
		"expires_in":       int(lifetime.Seconds()),
		"interval":         int(pollInterval.Seconds()),
	})
}

// introspect is the token introspection endpoint (RFC 7662) in the form
// Dovecot's oauth2 passdb reads: always HTTP 200, with active and the
// user's email. It closes every connection, because Dovecot's HTTP client
// does not retry a kept-alive one that the server closed meanwhile.
func (s *Server) introspect(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Connection", "close")
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := r.ParseForm(); err != nil {
		s.fail(w, http.StatusBadRequest, "invalid_request", "the body is not a form")
		return
	}
	s.counts.Introspections++
	expiry, ok := s.access[r.PostForm.Get("token")]
	if !ok || !time.Now().Before(expiry) {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	s.counts.Active++
	writeJSON(w, http.StatusOK, map[string]any{"active": true, "email": s.opts.User,
		"client_id": s.opts.ClientID, "exp": expiry.Unix()})
}

// grant answers a token request with a new access token, and with
// refreshToken and an id_token unless refreshToken is "" (app-only
// tokens name no user).
func (s *Server) grant(w http.ResponseWriter, grantType, refreshToken string) {
	at := s.newToken("access")
	s.access[at] = time.Now().Add(s.opts.AccessTokenLifetime)
	resp := map[string]any{"access_token": at, "token_type": "Bearer",
		"expires_in": int(math.Ceil(s.opts.AccessTokenLifetime.Seconds()))}
	if refreshToken != "" {
		resp["refresh_token"] = refreshToken
		resp["id_token"] = s.idToken()
	}
	s.counts.Grants[grantType]++
	writeJSON(w, http.StatusOK, resp)
}

// idToken is an unsigned JWT (alg none) naming the user: clients only
// read it, to show which account signed in.
func (s *Server) idToken() string {
	enc := base64.RawURLEncoding
	header, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	now := time.Now()
	claims, _ := json.Marshal(map[string]any{"iss": s.URL, "aud": s.opts.ClientID, "sub": s.opts.User,
		"email": s.opts.User, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	return enc.EncodeToString(header) + "." + enc.EncodeToString(claims) + "."
}

func (s *Server) newRefreshToken() string {
	rt := s.newToken("refresh")
	s.refresh[rt] = true
	return rt
}

// newToken is a random token, remembered so that Secrets can list it.
func (s *Server) newToken(kind string) string {
	t := kind + "-" + rand.Text()
	s.issued = append(s.issued, t)
	return t
}

// fail answers with an RFC 6749 error.
func (s *Server) fail(w http.ResponseWriter, status int, code, description string) {
	s.counts.Errors[code]++
	writeJSON(w, status, map[string]string{"error": code, "error_description": description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	// An error here is a client that went away: nobody to tell.
	_ = json.NewEncoder(w).Encode(v)
}
