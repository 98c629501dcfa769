package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// validateStorage reports, under its key, a database or an attachments
// directory that the daemon could not create or write. Relative paths
// start at the directory of the configuration file, as in openStore.
// Nothing is left behind: store.Open creates missing directories itself,
// so a missing one is fine when the nearest directory above it that exists
// can be written, and writing is tried with a file removed at once. The
// database itself is never created here.
func (c *Config) validateStorage(bad func(key, format string, args ...any)) {
	db := resolve(c.dir, c.Storage.Database)
	attachments := resolve(c.dir, c.Storage.AttachmentsDir)
	for _, s := range []struct{ key, path, dir string }{
		{"storage.database", db, filepath.Dir(db)},
		{"storage.attachments_dir", attachments, attachments},
	} {
		if s.path == "" {
			continue
		}
		if err := creatableDir(s.dir); err != nil {
			bad(s.key, "cannot create %s: %v", s.path, err)
		}
	}
}

// creatableDir returns why the directory dir cannot be created, or
// written once it exists.
func creatableDir(dir string) error {
	// The nearest directory that exists: a parent that is a file makes
	// the path below it "not a directory" rather than missing.
	p := dir
	fi, err := os.Stat(p)
	for (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) && filepath.Dir(p) != p {
		p = filepath.Dir(p)
		fi, err = os.Stat(p)
	}
	switch {
	case err != nil:
		return err
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory", p)
	}
	f, err := os.CreateTemp(p, ".incidentd-check-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // not the random name of the file tried
		}
		return fmt.Errorf("%s cannot be written: %w", p, err)
	}
	return errors.Join(f.Close(), os.Remove(f.Name()))
}
