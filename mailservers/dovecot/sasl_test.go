//go:build integration

package dovecot

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/emersion/go-sasl"
)

// The SASL clients go-sasl lacks, just enough to try the servers'
// mechanisms: a refused login must end in a refusal, never in a hang.

// oauthClient is XOAUTH2, or OAUTHBEARER when bearer is set. A refused
// token gets an error challenge first, which the client answers with an
// empty response (go-sasl's OAUTHBEARER returns an error instead); the
// challenge is kept.
type oauthClient struct {
	user, token string
	bearer      bool
	challenge   []byte
}

func (a *oauthClient) Start() (string, []byte, error) {
	if a.bearer {
		mech, ir, err := sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: a.user, Token: a.token}).Start()
		return mech, ir, err
	}
	return "XOAUTH2", []byte("user=" + a.user + "\x01auth=Bearer " + a.token + "\x01\x01"), nil
}

func (a *oauthClient) Next(challenge []byte) ([]byte, error) {
	a.challenge = challenge
	// Not nil: go-smtp sends nothing for a nil response.
	return []byte{}, nil
}

// cramMD5 is CRAM-MD5 (RFC 2195).
type cramMD5 struct{ user, password string }

func (a cramMD5) Start() (string, []byte, error) { return "CRAM-MD5", nil, nil }

func (a cramMD5) Next(challenge []byte) ([]byte, error) {
	mac := hmac.New(md5.New, []byte(a.password))
	mac.Write(challenge)
	return []byte(a.user + " " + hex.EncodeToString(mac.Sum(nil))), nil
}

// scramSHA256 is SCRAM-SHA-256 (RFC 7677) without channel binding; it
// checks the server's signature, so a server that does not know the
// password fails too.
type scramSHA256 struct {
	user, password string

	clientFirstBare string
	nonce           string
	serverSignature []byte
}

func (a *scramSHA256) Start() (string, []byte, error) {
	a.nonce = rand.Text()
	name := strings.NewReplacer("=", "=3D", ",", "=2C").Replace(a.user)
	a.clientFirstBare = "n=" + name + ",r=" + a.nonce
	return "SCRAM-SHA-256", []byte("n,," + a.clientFirstBare), nil
}

func (a *scramSHA256) Next(challenge []byte) ([]byte, error) {
	attrs := map[string]string{}
	for _, kv := range strings.Split(string(challenge), ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			attrs[k] = v
		}
	}
	if a.serverSignature != nil {
		v, err := base64.StdEncoding.DecodeString(attrs["v"])
		if err != nil || !hmac.Equal(v, a.serverSignature) {
			return nil, fmt.Errorf("scram: server signature %q does not prove the password", challenge)
		}
		return []byte{}, nil
	}
	salt, err := base64.StdEncoding.DecodeString(attrs["s"])
	if err != nil {
		return nil, fmt.Errorf("scram: salt: %w", err)
	}
	iter, err := strconv.Atoi(attrs["i"])
	if err != nil {
		return nil, fmt.Errorf("scram: iterations: %w", err)
	}
	if !strings.HasPrefix(attrs["r"], a.nonce) {
		return nil, errors.New("scram: server nonce does not extend ours")
	}
	salted, err := pbkdf2.Key(sha256.New, a.password, salt, iter, sha256.Size)
	if err != nil {
		return nil, fmt.Errorf("scram: %w", err)
	}
	mac := func(key []byte, msg string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(msg))
		return m.Sum(nil)
	}
	clientKey := mac(salted, "Client Key")
	storedKey := sha256.Sum256(clientKey)
	final := "c=biws,r=" + attrs["r"]
	authMessage := a.clientFirstBare + "," + string(challenge) + "," + final
	proof := mac(storedKey[:], authMessage)
	for i := range proof {
		proof[i] ^= clientKey[i]
	}
	a.serverSignature = mac(mac(salted, "Server Key"), authMessage)
	return []byte(final + ",p=" + base64.StdEncoding.EncodeToString(proof)), nil
}

// imapAuthenticate sends AUTHENTICATE on a new IMAP connection and
// returns the tagged reply ("a OK …", "a NO …"). It is written by hand
// because go-imap answers a challenge with an empty response as "=",
// which Dovecot refuses as bad base64 where RFC 3501 wants an empty line:
// the error challenge of OAuth2 and the last step of SCRAM need one.
func imapAuthenticate(conn net.Conn, a sasl.Client) (*textproto.Conn, string, error) {
	tp := textproto.NewConn(conn)
	if _, err := tp.ReadLine(); err != nil {
		return nil, "", fmt.Errorf("greeting: %w", err)
	}
	mech, ir, err := a.Start()
	if err != nil {
		return nil, "", err
	}
	cmd := "a AUTHENTICATE " + mech
	if ir != nil {
		// Dovecot offers SASL-IR.
		cmd += " " + base64.StdEncoding.EncodeToString(ir)
	}
	if err := tp.PrintfLine("%s", cmd); err != nil {
		return nil, "", err
	}
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return nil, "", fmt.Errorf("authenticate %s: %w", mech, err)
		}
		if strings.HasPrefix(line, "a ") {
			return tp, line, nil
		}
		challenge, ok := strings.CutPrefix(line, "+")
		if !ok {
			continue
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(challenge))
		if err != nil {
			return nil, "", fmt.Errorf("challenge %q: %w", line, err)
		}
		resp, err := a.Next(b)
		if err != nil {
			return nil, "", err
		}
		if err := tp.PrintfLine("%s", base64.StdEncoding.EncodeToString(resp)); err != nil {
			return nil, "", err
		}
	}
}

// errorStatus is the status of an OAuth2 error challenge.
func errorStatus(challenge []byte) string {
	var e struct{ Status string }
	json.Unmarshal(challenge, &e)
	return e.Status
}
