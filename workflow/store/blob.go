package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrTooLarge is returned (wrapped) by PutBlobMax for content over its limit.
var ErrTooLarge = errors.New("too large")

// PutBlob stores the content read from r under its sha256 and returns the
// hash (lower-case hex) and the size. The content is streamed to a
// temporary file, synced, and renamed into place; a blob already present
// is left as it is.
func (s *Store) PutBlob(r io.Reader) (hash string, size int64, err error) {
	return s.PutBlobMax(r, -1)
}

// PutBlobMax is PutBlob for content of at most max bytes (no limit when
// max is negative). Longer content is not stored: it returns an error
// matching ErrTooLarge, having read max+1 bytes of r.
func (s *Store) PutBlobMax(r io.Reader, max int64) (hash string, size int64, err error) {
	if max >= 0 {
		r = io.LimitReader(r, max+1)
	}
	tmp, err := os.CreateTemp(s.blobDir, ".incoming-*")
	if err != nil {
		return "", 0, fmt.Errorf("store blob: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		return "", 0, fmt.Errorf("store blob: write: %w", err)
	}
	if max >= 0 && size > max {
		err = fmt.Errorf("store blob: %w: over %d bytes", ErrTooLarge, max)
		return "", size, err
	}
	if err = tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("store blob: sync: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("store blob: close: %w", err)
	}
	hash = hex.EncodeToString(h.Sum(nil))
	final := s.blobPath(hash)
	if err = os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return "", 0, fmt.Errorf("store blob %s: %w", hash, err)
	}
	if _, statErr := os.Stat(final); statErr == nil {
		err = os.Remove(tmp.Name())
		if err != nil {
			return "", 0, fmt.Errorf("store blob %s: remove duplicate: %w", hash, err)
		}
		return hash, size, nil
	}
	if err = os.Rename(tmp.Name(), final); err != nil {
		return "", 0, fmt.Errorf("store blob %s: %w", hash, err)
	}
	return hash, size, nil
}

// OpenBlob opens the content stored under hash. The error matches
// ErrNotFound (and fs.ErrNotExist) when there is no such blob.
func (s *Store) OpenBlob(hash string) (io.ReadCloser, error) {
	if !validHash(hash) {
		return nil, fmt.Errorf("open blob %q: not a sha256 in lower-case hex", hash)
	}
	f, err := os.Open(s.blobPath(hash))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open blob %s: %w: %w", hash, ErrNotFound, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", hash, err)
	}
	return f, nil
}

// blobPath is blobDir/<first 2 hex>/<full hex>.
func (s *Store) blobPath(hash string) string {
	return filepath.Join(s.blobDir, hash[:2], hash)
}

func validHash(h string) bool {
	if len(h) != sha256.Size*2 {
		return false
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
