// Package token owns the signed reply tokens of SPEC §4 and §5: a short
// code bound to one incident and one recipient, carried in the Reply-To
// sub-address (incidents+<token>@example.com) and in the Message-ID of
// every notification, so that a reply proves which incident it answers and
// that it answers a mail sent to its sender.
//
// A token is "<incident>-<mac>": the incident number in decimal and the
// first 80 bits of HMAC-SHA256(secret, incident, lower-cased recipient) in
// lower-case base32. It survives the case-folding of local parts, and with
// "incidents+" in front it stays far below the 64 characters a local part
// may hold. A token for another incident or another recipient, or one that
// was altered, does not verify.
package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"strconv"
	"strings"
)

// MinSecret is the shortest secret New accepts, in bytes.
const MinSecret = 16

// macBytes is how much of the HMAC a token keeps (80 bits).
const macBytes = 10

var encoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Key signs and verifies tokens. The zero Key signs nothing; use New.
type Key struct{ secret []byte }

// New returns the Key of secret, which must hold at least MinSecret bytes.
func New(secret []byte) (Key, error) {
	if len(secret) < MinSecret {
		return Key{}, errors.New("token secret: want at least 16 bytes")
	}
	return Key{secret: append([]byte(nil), secret...)}, nil
}

// Valid reports whether k was made by New.
func (k Key) Valid() bool { return len(k.secret) > 0 }

// Sign returns the token of incident for recipient; "" for the zero Key.
func (k Key) Sign(incident int64, recipient string) string {
	if !k.Valid() {
		return ""
	}
	id := strconv.FormatInt(incident, 10)
	return id + "-" + k.mac(id, recipient)
}

// Verify reports whether tok was signed for recipient and returns the
// incident it is bound to. Case does not matter.
func (k Key) Verify(tok, recipient string) (incident int64, ok bool) {
	if !k.Valid() {
		return 0, false
	}
	id, mac, found := strings.Cut(strings.ToLower(tok), "-")
	if !found {
		return 0, false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != id {
		return 0, false
	}
	if !hmac.Equal([]byte(mac), []byte(k.mac(id, recipient))) {
		return 0, false
	}
	return n, true
}

func (k Key) mac(id, recipient string) string {
	h := hmac.New(sha256.New, k.secret)
	h.Write([]byte("incidentd reply token v1\x00"))
	h.Write([]byte(id))
	h.Write([]byte{0})
	h.Write([]byte(strings.ToLower(strings.TrimSpace(recipient))))
	return encoding.EncodeToString(h.Sum(nil)[:macBytes])
}
