package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestBlobs(t *testing.T) {
	s := openTest(t)
	content := strings.Repeat("screenshot bytes ", 10000)
	sum := sha256.Sum256([]byte(content))
	want := hex.EncodeToString(sum[:])

	hash, size, err := s.PutBlob(strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if hash != want || size != int64(len(content)) {
		t.Fatalf("PutBlob = %s, %d; want %s, %d", hash, size, want, len(content))
	}
	path := filepath.Join(s.blobDir, want[:2], want)
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}

	// The same content again: same hash, the stored file left alone.
	hash2, size2, err := s.PutBlob(strings.NewReader(content))
	if err != nil || hash2 != want || size2 != size {
		t.Fatalf("second PutBlob = %s, %d, %v", hash2, size2, err)
	}
	if fi, err := os.Stat(path); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("existing blob rewritten (or missing): %v", err)
	}
	// No temporary file is left behind.
	entries, err := os.ReadDir(s.blobDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{want[:2]}) {
		t.Errorf("blob directory holds %q, want only %q", names, want[:2])
	}

	r, err := s.OpenBlob(hash)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || string(got) != content {
		t.Errorf("OpenBlob content differs (%d bytes, %v)", len(got), err)
	}

	empty, n, err := s.PutBlob(strings.NewReader(""))
	if err != nil || n != 0 || empty != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("empty blob: %s, %d, %v", empty, n, err)
	}
}

func TestOpenBlobMissingOrInvalid(t *testing.T) {
	s := openTest(t)
	_, err := s.OpenBlob(strings.Repeat("ab", 32))
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing blob: %v, want ErrNotFound", err)
	}
	for _, h := range []string{"", "../../etc/passwd", strings.Repeat("AB", 32), strings.Repeat("a", 63)} {
		if _, err := s.OpenBlob(h); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("OpenBlob(%q) = %v, want an invalid-hash error", h, err)
		}
	}
}

func TestPutBlobReadError(t *testing.T) {
	s := openTest(t)
	broken := io.MultiReader(strings.NewReader("partial"), errReader{})
	if _, _, err := s.PutBlob(broken); err == nil {
		t.Fatal("PutBlob of a failing reader succeeded")
	}
	entries, err := os.ReadDir(s.blobDir)
	if err != nil || len(entries) != 0 {
		t.Errorf("blob directory after a failed put: %v, %v", entries, err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestAttachments(t *testing.T) {
	s := openTest(t)
	inc := newIncident("with files")
	want := []Attachment{
		{Filename: "screen.png", ContentType: "image/png", ContentID: "img1@x", Hash: strings.Repeat("ab", 32), Size: 1234, Inline: true},
		{Filename: "log.csv", ContentType: "text/csv", Hash: strings.Repeat("cd", 32), Size: 5},
	}
	other := newIncident("one file")
	update(t, s, func(tx *Tx) error {
		if err := tx.CreateIncident(&inc); err != nil {
			return err
		}
		if err := tx.CreateIncident(&other); err != nil {
			return err
		}
		if err := tx.AddAttachment(other.ID, want[1]); err != nil {
			return err
		}
		for _, a := range want {
			if err := tx.AddAttachment(inc.ID, a); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx *Tx) error {
		got, err := tx.Attachments(inc.ID)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("Attachments = %+v, %v; want %+v", got, err, want)
		}
		none, err := tx.Attachments(other.ID + 1)
		if err != nil || len(none) != 0 {
			t.Errorf("Attachments of an incident without files = %+v, %v", none, err)
		}
		both, err := tx.AttachmentsOf([]int64{other.ID, inc.ID, other.ID + 1})
		if err != nil || len(both) != 2 || !slices.Equal(both[inc.ID], want) || !slices.Equal(both[other.ID], want[1:]) {
			t.Errorf("AttachmentsOf both = %+v, %v", both, err)
		}
		return nil
	})
}
