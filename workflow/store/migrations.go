package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are the schema steps in order. Step i brings the database from
// user_version i to i+1. Append new steps; never edit one that has shipped.
var migrations = []string{
	// 1: the initial schema.
	`
CREATE TABLE incidents (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	title         TEXT NOT NULL,
	reporter      TEXT NOT NULL,
	reporter_name TEXT NOT NULL,
	type          TEXT NOT NULL,
	priority      TEXT NOT NULL,
	system        TEXT NOT NULL,
	description   TEXT NOT NULL,
	steps         TEXT NOT NULL,
	state         TEXT NOT NULL,
	accepted_by   TEXT NOT NULL,
	created       TEXT NOT NULL,
	updated       TEXT NOT NULL
);
CREATE INDEX incidents_state ON incidents(state);

CREATE TABLE events (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	at          TEXT NOT NULL,
	actor       TEXT NOT NULL,
	message_id  TEXT NOT NULL,
	kind        TEXT NOT NULL,
	from_state  TEXT NOT NULL,
	to_state    TEXT NOT NULL,
	text        TEXT NOT NULL
);
CREATE INDEX events_incident ON events(incident_id, seq);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the incident history is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the incident history is append-only'); END;

CREATE TABLE processed (
	key         TEXT PRIMARY KEY,
	incident_id INTEGER REFERENCES incidents(id),
	outcome     TEXT NOT NULL,
	at          TEXT NOT NULL
);

CREATE TABLE messages (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	message_id  TEXT NOT NULL UNIQUE,
	incident_id INTEGER NOT NULL REFERENCES incidents(id)
);
CREATE INDEX messages_incident ON messages(incident_id, seq);

CREATE TABLE attachments (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id  INTEGER NOT NULL REFERENCES incidents(id),
	filename     TEXT NOT NULL,
	content_type TEXT NOT NULL,
	content_id   TEXT NOT NULL,
	hash         TEXT NOT NULL,
	size         INTEGER NOT NULL,
	inline       INTEGER NOT NULL
);
CREATE INDEX attachments_incident ON attachments(incident_id, seq);

CREATE TABLE outbox (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id  INTEGER REFERENCES incidents(id),
	message_id   TEXT NOT NULL UNIQUE,
	recipient    TEXT NOT NULL,
	notice       TEXT NOT NULL,
	refs         TEXT NOT NULL,
	date         TEXT NOT NULL,
	state        TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_attempt TEXT NOT NULL,
	last_error   TEXT NOT NULL DEFAULT '',
	sent_at      TEXT
);
CREATE INDEX outbox_due ON outbox(state, next_attempt);
`,
	// 2: the rate limits count recent mail per recipient and per incident.
	`
CREATE INDEX outbox_recipient_date ON outbox(recipient, date);
CREATE INDEX outbox_incident_date ON outbox(incident_id, date);
`,
	// 3: how far the IMAP intake got in each mailbox.
	`
CREATE TABLE checkpoints (
	mailbox      TEXT PRIMARY KEY,
	uid_validity INTEGER NOT NULL,
	last_uid     INTEGER NOT NULL,
	updated      TEXT NOT NULL
);
`,
	// Due reads pending mail oldest first: with this index it reads one
	// page of the outbox, not every pending row sorted.
	`CREATE INDEX outbox_pending_date ON outbox(state, date);`,
	// 5: the indexes that find pending mail hold pending mail only: a mail
	// sent leaves them instead of moving within them, and they stay as
	// small as the queue.
	`
DROP INDEX outbox_due;
DROP INDEX outbox_pending_date;
CREATE INDEX outbox_pending ON outbox(date, id) WHERE state = 'pending';
CREATE INDEX outbox_pending_next ON outbox(next_attempt) WHERE state = 'pending';
`,
	// 6: the index of pending mail answers which mail is due, and whether
	// it was tried before, by itself: mail the dispatcher holds already
	// is not read again.
	`
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox(date, id, next_attempt, attempts) WHERE state = 'pending';
`,
	// 7: when the next pending mail is due is read from outbox_pending
	// (once per send of the outbox): an index of its own cost every mail
	// queued and sent an update more.
	`DROP INDEX outbox_pending_next;`,
	// 8: the language each person writes in, learned from their mail.
	`
CREATE TABLE languages (
	address  TEXT PRIMARY KEY,
	language TEXT NOT NULL,
	updated  TEXT NOT NULL
);
`,
	// 9: who follows each incident besides its roles.
	`
CREATE TABLE watchers (
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	address     TEXT NOT NULL,
	PRIMARY KEY (incident_id, address)
) WITHOUT ROWID;
`,
	// 10: the values of the organization's own report fields, as one JSON
	// object of name to value (a field removed from the form keeps its
	// value), and the evaluation: the note of the acceptance or the
	// reason of the rejection.
	`
ALTER TABLE incidents ADD COLUMN field_values TEXT NOT NULL DEFAULT '{}';
ALTER TABLE incidents ADD COLUMN evaluation TEXT NOT NULL DEFAULT '';
`,
	// 11: the one resolver who has each incident; empty while any may act.
	`ALTER TABLE incidents ADD COLUMN assignee TEXT NOT NULL DEFAULT '';`,
}

// migrate applies the steps the database lacks, each in its own
// transaction that also reads and bumps user_version, so two processes
// opening the same new file cannot apply a step twice.
func migrate(ctx context.Context, db *sql.DB) error {
	for {
		done, err := migrateStep(ctx, db)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the next missing step, or reports that none is missing.
func migrateStep(ctx context.Context, db *sql.DB) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback() // a no-op after Commit
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return false, fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case version > len(migrations):
		return false, fmt.Errorf("schema version %d is newer than this program knows (%d)", version, len(migrations))
	case version == len(migrations):
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, migrations[version]); err != nil {
		return false, fmt.Errorf("schema step %d: %w", version+1, err)
	}
	// PRAGMA takes no parameters; version is our own integer.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", version+1)); err != nil {
		return false, fmt.Errorf("schema step %d: set version: %w", version+1, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("schema step %d: commit: %w", version+1, err)
	}
	return false, nil
}
