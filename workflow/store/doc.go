// Package store owns incidentd's persistence: the SQLite database that
// holds incidents, their append-only history, the mail already processed,
// the thread of Message-IDs of each incident and the outbox of
// notifications still to send; and the directory of attachment contents.
//
// # Database
//
// One SQLite file in WAL mode (with its -wal and -shm files while open).
// The schema version is PRAGMA user_version; migrations.go holds the steps.
//
//	incidents    one row per incident: title, reporter, the built-in fields,
//	             state, accepted_by, assignee, created, updated, evaluation, and
//	             field_values: the organization's own fields as a JSON
//	             object of name to value; IDs 1, 2, 3 … never reused
//	events       the history, append-only (triggers refuse UPDATE and
//	             DELETE); read back in the order appended
//	processed    one row per mail handled, keyed by Message-ID or
//	             "sha256:<hex>" of the raw mail: incident touched, outcome
//	messages     every Message-ID (without <>) of each incident's thread,
//	             incoming and outgoing, in the order linked
//	attachments  name, type, Content-ID, size, inline flag and sha256 of
//	             each file of an incident
//	watchers     who follows each incident besides its roles: one row per
//	             incident and lower-case address
//	outbox       notification mails, written in the same transaction as
//	             the change that caused them: recipient, notice (JSON),
//	             references (JSON), state, attempts, next attempt
//	languages    the language ("es", "en") each address last wrote in,
//	             learned from its mail, for the notifications it receives
//
// Times are TEXT in UTC with a fixed width ("2006-01-02T15:04:05.000000000Z"),
// so text order is time order and nanoseconds round-trip. An absent
// incident is NULL in processed.incident_id and outbox.incident_id.
//
// # Blob directory
//
// Attachment contents, by content hash:
//
//	blobDir/<first 2 hex digits of the sha256>/<64 hex digits>
//
// A blob is streamed to a temporary file in blobDir (".incoming-*"),
// synced, then renamed into place, so it is either whole or absent. An
// existing blob is never rewritten.
package store
