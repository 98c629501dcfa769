package store

import "fmt"

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
	out, err := queryAll(tx, func(r scanner) (Attachment, error) {
		var a Attachment
		err := r.Scan(&a.Filename, &a.ContentType, &a.ContentID, &a.Hash, &a.Size, &a.Inline)
		return a, err
	}, `SELECT filename, content_type, content_id, hash, size, inline FROM attachments
		WHERE incident_id = ? ORDER BY seq`, incidentID)
	if err != nil {
		return nil, fmt.Errorf("attachments of incident %d: %w", incidentID, err)
	}
	return out, nil
}
