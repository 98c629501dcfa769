package store

import (
	"encoding/json"
	"fmt"
)

// Attachment describes one file kept with an incident. Its content is the
// blob named by Hash (see PutBlob).
type Attachment struct {
	Filename, ContentType, ContentID string
	Hash                             string // hex sha256 of the content
	Size                             int64
	Inline                           bool // shown in the body (a screenshot), not a separate file
}

// AddAttachment records a file of the incident, after those already added.
func (tx *Tx) AddAttachment(incidentID int64, a Attachment) error {
	_, err := tx.exec(`INSERT INTO attachments (incident_id, filename, content_type,
		content_id, hash, size, inline) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		incidentID, a.Filename, a.ContentType, a.ContentID, a.Hash, a.Size, a.Inline)
	if err != nil {
		return fmt.Errorf("add attachment %q to incident %d: %w", a.Filename, incidentID, err)
	}
	return nil
}

// Attachments lists the incident's files in the order they were added.
func (tx *Tx) Attachments(incidentID int64) ([]Attachment, error) {
	files, err := tx.AttachmentsOf([]int64{incidentID})
	return files[incidentID], err
}

// AttachmentsOf lists the files of several incidents, by incident, each
// incident's in the order they were added, in one query.
func (tx *Tx) AttachmentsOf(incidentIDs []int64) (map[int64][]Attachment, error) {
	ids, err := json.Marshal(incidentIDs)
	if err != nil {
		return nil, fmt.Errorf("attachments of incidents %v: %w", incidentIDs, err)
	}
	type row struct {
		incident int64
		Attachment
	}
	rows, err := queryAll(tx, func(r scanner) (row, error) {
		var a row
		err := r.Scan(&a.incident, &a.Filename, &a.ContentType, &a.ContentID, &a.Hash, &a.Size, &a.Inline)
		return a, err
	}, `SELECT incident_id, filename, content_type, content_id, hash, size, inline FROM attachments
		WHERE incident_id IN (SELECT value FROM json_each(?)) ORDER BY incident_id, seq`, string(ids))
	if err != nil {
		return nil, fmt.Errorf("attachments of incidents %v: %w", incidentIDs, err)
	}
	files := map[int64][]Attachment{}
	for _, r := range rows {
		files[r.incident] = append(files[r.incident], r.Attachment)
	}
	return files, nil
}
