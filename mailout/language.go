package mailout

import (
	"context"
	"slices"

	"incidentd/workflow/store"
)

// languages are the languages of the recipients of due, by address: the
// one configured for them (Options.Languages), else the one they last
// wrote in, read for the page in one query, else Options.Language.
func (d *Dispatcher) languages(ctx context.Context, due []store.Outgoing) (map[string]string, error) {
	var unknown []string
	for _, o := range due {
		if _, ok := d.opts.Languages[o.Recipient]; !ok && !slices.Contains(unknown, o.Recipient) {
			unknown = append(unknown, o.Recipient)
		}
	}
	var learned map[string]string
	if len(unknown) > 0 {
		err := d.opts.Store.View(ctx, func(tx *store.Tx) error {
			var err error
			learned, err = tx.Languages(unknown)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	out := make(map[string]string, len(due))
	for _, o := range due {
		switch lang, ok := d.opts.Languages[o.Recipient]; {
		case ok:
			out[o.Recipient] = lang
		case learned[o.Recipient] != "" && d.renderers[learned[o.Recipient]] != nil:
			out[o.Recipient] = learned[o.Recipient]
		default:
			out[o.Recipient] = d.opts.Language
		}
	}
	return out, nil
}
