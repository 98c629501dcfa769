package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// ErrNotFound is returned (wrapped) when a row or blob asked for does not exist.
var ErrNotFound = errors.New("not found")

// errReadOnly is returned by a write attempted inside View.
var errReadOnly = errors.New("write in a read-only transaction")

// Store is an open database and blob directory. It is safe for concurrent use.
type Store struct {
	// write holds one connection for every write: SQLite takes one
	// writer at a time anyway, and a connection's page cache lasts only
	// until another connection writes.
	write pool
	// read holds the connections of read-only transactions, which see a
	// snapshot and do not wait for writes.
	read    pool
	path    string // of the database
	blobDir string
	sentMu  sync.Mutex
	sent    *SentLog // once opened
}

// pool is a database/sql pool with its prepared statements.
type pool struct {
	db    *sql.DB
	stmts sync.Map // query text → *sql.Stmt prepared once, reused by every transaction
	// single says that the pool has one connection: while a transaction
	// holds it, nothing can be prepared on the pool.
	single bool
}

// prepare prepares query on the pool, once.
func (p *pool) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := p.stmts.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if v, ok := p.stmts.LoadOrStore(query, st); ok {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	return st, nil
}

func (p *pool) close() error {
	p.stmts.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
	return p.db.Close()
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
	dsn := "file:" + uriPath.Replace(path) + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate" +
		// Savepoints (one per mail of a batch) journal in memory, not in a
		// temporary file.
		"&_pragma=temp_store(memory)" +
		// The log is copied into the database every 8000 pages (32 MB), not
		// every 1000: a page written again and again while a backlog
		// drains (the outbox's) is copied once per checkpoint.
		"&_pragma=wal_autocheckpoint(8000)"
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return &Store{write: pool{db: w, single: true}, read: pool{db: r}, path: path, blobDir: blobDir}, nil
}

// Close closes the database.
func (s *Store) Close() error {
	var err error
	if s.sent != nil {
		err = s.sent.f.Close()
	}
	return errors.Join(err, s.write.close(), s.read.close())
}

// Tx is one transaction, handed to the function given to Update or View.
// It must not be used after that function returns.
type Tx struct {
	ctx      context.Context
	tx       *sql.Tx
	pool     *pool // the pool tx comes from
	readOnly bool
	// broken is set when a savepoint could not be rolled back: the
	// transaction is in an unknown state and must not commit.
	broken error
	queued []Outgoing // added to the outbox; see Queued
	// own are the statements this transaction prepared for itself.
	own map[string]*sql.Stmt
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
	p := &s.write
	if readOnly {
		p = &s.read
	}
	sqlTx, err := p.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{ctx: ctx, tx: sqlTx, pool: p, readOnly: readOnly}
	err = fn(tx)
	if err == nil {
		err = tx.broken
	}
	if err != nil {
		// The rollback error, if any, says less than fn's error.
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	// What the transaction prepared for itself is prepared for the next.
	// The transaction is committed: a statement that fails to prepare
	// now is prepared by the next transaction that runs it.
	for q := range tx.own {
		_, _ = p.prepare(ctx, q)
	}
	return nil
}

// exec runs a statement that writes.
func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	if tx.readOnly {
		return nil, errReadOnly
	}
	st, err := tx.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(tx.ctx, args...)
}

// stmt is query prepared for this transaction. Statements are prepared
// once per pool and reused: preparing costs as much as running. In a pool
// of one connection, a statement new to the pool is prepared for the
// transaction, and for the pool once the transaction is over.
func (tx *Tx) stmt(query string) (*sql.Stmt, error) {
	if v, ok := tx.pool.stmts.Load(query); ok {
		return tx.tx.StmtContext(tx.ctx, v.(*sql.Stmt)), nil
	}
	if tx.pool.single {
		if st, ok := tx.own[query]; ok {
			return st, nil
		}
		st, err := tx.tx.PrepareContext(tx.ctx, query)
		if err != nil {
			return nil, fmt.Errorf("prepare: %w", err)
		}
		if tx.own == nil {
			tx.own = map[string]*sql.Stmt{}
		}
		tx.own[query] = st
		return st, nil
	}
	st, err := tx.pool.prepare(tx.ctx, query)
	if err != nil {
		return nil, err
	}
	return tx.tx.StmtContext(tx.ctx, st), nil
}

// queryRow runs a query that returns at most one row.
func (tx *Tx) queryRow(query string, args ...any) *sql.Row {
	st, err := tx.stmt(query)
	if err != nil {
		// Let the query fail the same way, through the Row.
		return tx.tx.QueryRowContext(tx.ctx, query, args...)
	}
	return st.QueryRowContext(tx.ctx, args...)
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
	st, err := tx.stmt(query)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(tx.ctx, args...)
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

// uriPath escapes what ends or escapes the path of an SQLite URI file name
// ("file:…?…#…"), so that a database whose path holds '?', '#' or '%'
// opens where it is named and not at the part before them.
var uriPath = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")
