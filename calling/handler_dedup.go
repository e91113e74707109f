package calling

// dedupWindow remembers the last n event keys (FIFO), so that a CallbackHandler
// recognises an event delivered again. Memory is bounded: n keys in a ring
// and a map, about 200 bytes per id. It is guarded by CallbackHandler.qmu.
//
// An entry is "running" while a synchronous delivery runs its handlers;
// finish then keeps it (the handlers returned in time) or forgets it (the
// sender left, and will send the event again).
type dedupWindow struct {
	ids  map[string]dedupEntry
	ring []dedupSlot // at most n; oldest at next once full
	n    int
	next int
	gen  uint64
}

type dedupEntry struct {
	gen     uint64
	running bool
}

type dedupSlot struct {
	key string
	gen uint64
}

// newDedupWindow returns a window of n keys; n <= 0 remembers none.
func newDedupWindow(n int) dedupWindow {
	if n <= 0 {
		return dedupWindow{}
	}
	return dedupWindow{ids: map[string]dedupEntry{}, n: n}
}

// key is what identifies ev: its channel, source (or Event Grid topic) and
// id, as an event id is unique within its source (CloudEvents 1.0, "id").
// An event without an id has no key.
func (d *dedupWindow) key(ch channel, ev Event) string {
	i := ev.Info()
	if d.n == 0 || i.ID == "" {
		return ""
	}
	return string(rune('0'+ch)) + i.Source + "\x00" + i.Topic + "\x00" + i.ID
}

func (d *dedupWindow) seen(k string) bool {
	_, ok := d.ids[k]
	return ok
}

func (d *dedupWindow) lookup(k string) (seen, running bool) {
	e, ok := d.ids[k]
	return ok, e.running
}

// add remembers k, forgetting the oldest key if the window is full.
func (d *dedupWindow) add(k string, running bool) {
	if d.n == 0 {
		return
	}
	d.gen++
	slot := dedupSlot{key: k, gen: d.gen}
	if len(d.ring) < d.n {
		d.ring = append(d.ring, slot)
	} else {
		old := d.ring[d.next]
		if e, ok := d.ids[old.key]; ok && e.gen == old.gen {
			delete(d.ids, old.key)
		}
		d.ring[d.next] = slot
		d.next = (d.next + 1) % d.n
	}
	d.ids[k] = dedupEntry{gen: d.gen, running: running}
}

// finish ends the run of k: it is kept as handled, or forgotten.
func (d *dedupWindow) finish(k string, handled bool) {
	e, ok := d.ids[k]
	if !ok {
		return
	}
	if handled {
		e.running = false
		d.ids[k] = e
	} else {
		delete(d.ids, k)
	}
}
