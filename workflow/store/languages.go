package store

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// SetLanguage records that addr wrote in lang ("es", "en") in mail
// handled at at; the latest mail wins.
func (tx *Tx) SetLanguage(addr, lang string, at time.Time) error {
	addr = strings.ToLower(addr)
	_, err := tx.exec(`INSERT INTO languages (address, language, updated) VALUES (?, ?, ?)
		ON CONFLICT (address) DO UPDATE SET language = excluded.language, updated = excluded.updated`,
		addr, lang, formatTime(at))
	if err != nil {
		return fmt.Errorf("set language of %s: %w", addr, err)
	}
	return nil
}

// Languages returns the language learned for each of addrs (lower case)
// that has one, in one query.
func (tx *Tx) Languages(addrs []string) (map[string]string, error) {
	list, err := json.Marshal(addrs)
	if err != nil {
		return nil, fmt.Errorf("languages of %d addresses: %w", len(addrs), err)
	}
	type row struct{ addr, lang string }
	rows, err := queryAll(tx, func(r scanner) (row, error) {
		var x row
		err := r.Scan(&x.addr, &x.lang)
		return x, err
	}, `SELECT address, language FROM languages WHERE address IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("languages of %d addresses: %w", len(addrs), err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.addr] = r.lang
	}
	return out, nil
}
