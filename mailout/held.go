package mailout

import (
	"sync"

	"incidentd/workflow/store"
)

// heldMax bounds the mail the dispatcher holds: more is read back from
// the outbox when due.
const heldMax = 2000

// held is mail just committed to the outbox, by ID, so that the
// dispatcher need not read it back.
type held struct {
	mu    sync.Mutex
	mails map[int64]store.Outgoing
}

// add holds mails, as many as heldMax allows.
func (h *held) add(mails []store.Outgoing) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.mails == nil {
		h.mails = map[int64]store.Outgoing{}
	}
	for _, o := range mails[:min(len(mails), heldMax-len(h.mails))] {
		h.mails[o.ID] = o
	}
}

// take removes mail id and returns it, if held.
func (h *held) take(id int64) (store.Outgoing, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	o, ok := h.mails[id]
	delete(h.mails, id)
	return o, ok
}

// forget drops every mail held: a flush that found nothing more to send
// has sent them, or they are not due.
func (h *held) forget() {
	h.mu.Lock()
	defer h.mu.Unlock()
	clear(h.mails)
}
