package token

import (
	"strings"
	"testing"
)

func key(t *testing.T, secret string) Key {
	t.Helper()
	k, err := New([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestVerify: a token verifies only for its incident and recipient, in any
// case, and not once altered or under another secret.
func TestVerify(t *testing.T) {
	k := key(t, "0123456789abcdef-secret")
	tok := k.Sign(42, "Alice@Example.com")
	if tok != strings.ToLower(tok) || !strings.HasPrefix(tok, "42-") {
		t.Fatalf("token %q is not lower-case or does not start with its incident", tok)
	}
	if n, ok := k.Verify(strings.ToUpper(tok), "alice@example.com"); !ok || n != 42 {
		t.Fatalf("case-folded token: %d %v", n, ok)
	}
	if _, ok := k.Verify(tok, "bob@example.com"); ok {
		t.Error("token verified for another recipient")
	}
	other := k.Sign(43, "alice@example.com")
	forged := "42" + other[2:]
	if _, ok := k.Verify(forged, "alice@example.com"); ok {
		t.Error("the MAC of another incident verified")
	}
	for i := range tok {
		b := []byte(tok)
		b[i] ^= 1
		if _, ok := k.Verify(string(b), "alice@example.com"); ok {
			t.Errorf("token altered at %d verified: %q", i, b)
		}
	}
	if _, ok := key(t, "another secret of 16+ bytes").Verify(tok, "alice@example.com"); ok {
		t.Error("token verified under another secret")
	}
	if _, ok := (Key{}).Verify(tok, "alice@example.com"); ok || (Key{}).Sign(1, "a@b") != "" {
		t.Error("the zero Key signs or verifies")
	}
	if _, err := New([]byte("short")); err == nil {
		t.Error("a short secret was accepted")
	}
}

// TestForms: a token goes into and comes out of a Message-ID and a reply
// address, and the local part stays within 64 characters.
func TestForms(t *testing.T) {
	k := key(t, "0123456789abcdef-secret")
	tok := k.Sign(9223372036854775807, "alice@example.com")
	addr := Address("incidents@example.com", tok)
	if local, _, _ := strings.Cut(addr, "@"); len(local) > 64 {
		t.Fatalf("local part of %q is %d characters", addr, len(local))
	}
	if got, ok := FromAddress(strings.ToUpper(addr), "Incidents@Example.com"); !ok || got != tok {
		t.Fatalf("FromAddress(%q) = %q %v", addr, got, ok)
	}
	for _, a := range []string{"incidents@example.com", "incidents+" + tok + "@example.org",
		"other+" + tok + "@example.com", "incidents+hello@example.com"} {
		if _, ok := FromAddress(a, "incidents@example.com"); ok {
			t.Errorf("FromAddress(%q) found a token", a)
		}
	}
	id := MessageID(tok, "0a1b2c", "Example.com")
	if got, ok := FromMessageID("<"+strings.ToUpper(id)+">", "example.com"); !ok || got != tok {
		t.Fatalf("FromMessageID(%q) = %q %v", id, got, ok)
	}
	for _, m := range []string{id + ".org", "inc-" + tok + "@example.com", "abc@example.com", "inc-x-y.z@example.com"} {
		if _, ok := FromMessageID(m, "example.com"); ok {
			t.Errorf("FromMessageID(%q) found a token", m)
		}
	}
}
