package store

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"

	"incidentd/workflow"
)

// Filter selects incidents. A zero field selects all.
type Filter struct {
	State workflow.State
}

const incidentColumns = `id, title, reporter, reporter_name, type, priority, system,
	description, steps, state, accepted_by, assignee, created, updated, field_values, evaluation`

// CreateIncident stores a new incident and sets inc.ID to its number
// (1, 2, 3 …, never reused). Any ID already in inc is ignored.
func (tx *Tx) CreateIncident(inc *workflow.Incident) error {
	res, err := tx.exec(`INSERT INTO incidents (title, reporter, reporter_name, type, priority,
		system, description, steps, state, accepted_by, assignee, created, updated, field_values, evaluation)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inc.Title, inc.Reporter, inc.ReporterName, inc.Type, inc.Priority, inc.System,
		inc.Description, inc.Steps, inc.State, inc.AcceptedBy, inc.Assignee,
		formatTime(inc.Created), formatTime(inc.Updated), valuesCol{&inc.Values}, inc.Evaluation)
	if err != nil {
		return fmt.Errorf("create incident: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("create incident: %w", err)
	}
	inc.ID = id
	return nil
}

// Incident reads one incident; the error matches ErrNotFound when there is
// no incident id.
func (tx *Tx) Incident(id int64) (workflow.Incident, error) {
	row := tx.queryRow(`SELECT `+incidentColumns+` FROM incidents WHERE id = ?`, id)
	inc, err := scanIncident(row)
	if errors.Is(err, sql.ErrNoRows) {
		return workflow.Incident{}, fmt.Errorf("incident %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return workflow.Incident{}, fmt.Errorf("read incident %d: %w", id, err)
	}
	return inc, nil
}

// SaveIncident writes what can change about an incident: title, fields,
// state, accepted_by, assignee, evaluation and updated. Reporter and creation time stay as created.
func (tx *Tx) SaveIncident(inc workflow.Incident) error {
	res, err := tx.exec(`UPDATE incidents SET title = ?, type = ?, priority = ?, system = ?,
		description = ?, steps = ?, state = ?, accepted_by = ?, assignee = ?, updated = ?, field_values = ?,
		evaluation = ? WHERE id = ?`,
		inc.Title, inc.Type, inc.Priority, inc.System, inc.Description, inc.Steps,
		inc.State, inc.AcceptedBy, inc.Assignee, formatTime(inc.Updated), valuesCol{&inc.Values}, inc.Evaluation, inc.ID)
	if err == nil {
		err = mustAffect(res)
	}
	if err != nil {
		return fmt.Errorf("save incident %d: %w", inc.ID, err)
	}
	return nil
}

// Incidents lists the incidents f selects, ordered by ID.
func (tx *Tx) Incidents(f Filter) ([]workflow.Incident, error) {
	out, err := queryAll(tx, scanIncident, `SELECT `+incidentColumns+` FROM incidents
		WHERE ? = '' OR state = ? ORDER BY id`, f.State, f.State)
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	return out, nil
}

func scanIncident(r scanner) (workflow.Incident, error) {
	var inc workflow.Incident
	err := r.Scan(&inc.ID, &inc.Title, &inc.Reporter, &inc.ReporterName, &inc.Type,
		&inc.Priority, &inc.System, &inc.Description, &inc.Steps, &inc.State,
		&inc.AcceptedBy, &inc.Assignee, timeCol{&inc.Created}, timeCol{&inc.Updated}, valuesCol{&inc.Values}, &inc.Evaluation)
	return inc, err
}

// valuesCol reads and writes the values of the organization's own
// fields as the JSON object of the field_values column: the same text a
// PostgreSQL jsonb column would hold.
type valuesCol struct{ v *map[string]string }

// Value is the JSON object of the values; {} for none.
func (c valuesCol) Value() (driver.Value, error) {
	if len(*c.v) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(*c.v)
	return string(b), err
}

// Scan reads the JSON object of the values; none is a nil map.
func (c valuesCol) Scan(src any) error {
	var b []byte
	switch s := src.(type) {
	case string:
		b = []byte(s)
	case []byte:
		b = s
	default:
		return fmt.Errorf("field_values: unexpected %T", src)
	}
	*c.v = nil
	if err := json.Unmarshal(b, c.v); err != nil {
		return fmt.Errorf("field_values: %w", err)
	}
	if len(*c.v) == 0 {
		*c.v = nil
	}
	return nil
}
