package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// ErrNotFound is returned (wrapped) when a row or blob asked for does not exist.
var ErrNotFound = errors.New("not found")

// errReadOnly is returned by a write attempted inside View.
var errReadOnly = errors.New("write in a read-only transaction")

// Store is an open database and blob directory. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	blobDir string
}

// Open opens the database at path and the blob directory blobDir, creating
// both (and the database's directory) when missing, and brings the schema
// to the latest version.
func Open(ctx context.Context, path, blobDir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	if err := os.MkdirAll(blobDir, 0o750); err != nil {
		return nil, fmt.Errorf("create blob directory: %w", err)
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	return &Store{db: db, blobDir: blobDir}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Tx is one transaction, handed to the function given to Update or View.
// It must not be used after that function returns.
type Tx struct {
	ctx      context.Context
	tx       *sql.Tx
	readOnly bool
}

// Update runs fn in one immediate (write-locking) transaction. It commits
// when fn returns nil and rolls back otherwise, returning fn's error.
func (s *Store) Update(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, false, fn)
}

// View runs fn in a read-only transaction: a consistent snapshot that does
// not block writers. Writes inside it fail.
func (s *Store) View(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, true, fn)
}

func (s *Store) run(ctx context.Context, readOnly bool, fn func(*Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(&Tx{ctx: ctx, tx: sqlTx, readOnly: readOnly}); err != nil {
		// The rollback error, if any, says less than fn's error.
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// exec runs a statement that writes.
func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	if tx.readOnly {
		return nil, errReadOnly
	}
	return tx.tx.ExecContext(tx.ctx, query, args...)
}

// mustAffect turns an update of no row into ErrNotFound.
func mustAffect(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// nullID stores the "no incident" ID 0 as NULL.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// queryAll runs a query and scans every row with scan.
func queryAll[T any](tx *Tx, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
