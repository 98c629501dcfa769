package mailauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// tokenFile is the JSON file that keeps the refresh token between runs:
//
//	{
//	  "refresh_token": "…",
//	  "account": "incidents@example.com",
//	  "client_id": "…",
//	  "token_url": "https://…/token",
//	  "updated": "2025-06-01T09:30:00Z"
//	}
//
// Only refresh_token is needed, so a token got some other way can be put
// in a file by hand; the other keys say where it came from. When the
// provider replaces the token only refresh_token and updated are
// rewritten, and every other key is kept as it is, also those a newer
// incidentd may have added.
type tokenFile struct {
	RefreshToken string    `json:"refresh_token"`
	Account      string    `json:"account,omitempty"`
	ClientID     string    `json:"client_id,omitempty"`
	TokenURL     string    `json:"token_url,omitempty"`
	Updated      time.Time `json:"updated,omitzero"`
}

// readTokenFile reads path. Every failure is a *HintError wrapping
// ErrNoToken that says to sign in again.
func readTokenFile(path string) (tokenFile, error) {
	var f tokenFile
	fail := func(hint string, err error) (tokenFile, error) {
		return f, &HintError{Err: fmt.Errorf("read oauth2.token_file %s: %w: %w", path, ErrNoToken, err), Hint: hint}
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail("run "+loginCommand+" to sign in first", fs.ErrNotExist)
	case err != nil:
		return fail("fix its permissions, or run "+loginCommand+" to make a new one", err)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return fail("run "+loginCommand+" to make a new one", fmt.Errorf("the file is corrupt: %w", err))
	}
	if f.RefreshToken == "" {
		return fail("run "+loginCommand+" to make a new one", errors.New("the file has no refresh_token"))
	}
	return f, nil
}

// writeTokenFile makes path hold f alone, e.g. after a new sign-in.
func writeTokenFile(path string, f tokenFile) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the token file: %w", err)
	}
	return writeFileAtomic(path, append(b, '\n'))
}

// rotateTokenFile puts a new refresh token in path, keeping its other
// keys. A file that is gone or corrupt is made anew: the new token
// matters more than what the old file said.
func rotateTokenFile(path, refreshToken string, now time.Time) error {
	keys := map[string]json.RawMessage{}
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err == nil && json.Unmarshal(b, &keys) != nil {
		keys = map[string]json.RawMessage{}
	}
	for k, v := range map[string]any{"refresh_token": refreshToken, "updated": now.UTC()} {
		if keys[k], err = json.Marshal(v); err != nil {
			return fmt.Errorf("encode the token file: %w", err)
		}
	}
	out, err := json.MarshalIndent(keys, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the token file: %w", err)
	}
	return writeFileAtomic(path, append(out, '\n'))
}

// writeFileAtomic replaces path with data, mode 0600 (it holds a
// credential), so that a crash leaves the old file or the new one, never
// half of one: a temporary file in the same directory (a rename is atomic
// only within a file system) is synced and renamed over path, then the
// directory is synced so that the rename itself is on disk.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := fillSynced(tmp, data); err != nil {
		return fmt.Errorf("write %s: %w", path, errors.Join(err, os.Remove(tmp.Name())))
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, errors.Join(err, os.Remove(tmp.Name())))
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync the directory of %s: %w", path, err)
	}
	if err := errors.Join(d.Sync(), d.Close()); err != nil {
		return fmt.Errorf("sync the directory of %s: %w", path, err)
	}
	return nil
}

// fillSynced makes f mode 0600, writes data to it and closes it once it
// is on disk.
func fillSynced(f *os.File, data []byte) error {
	err := f.Chmod(0o600)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}
