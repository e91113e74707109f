package calling

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
)

// How a CallbackHandler runs event handlers without Synchronous: every call
// has its own queue of events, and a pool of at most Workers goroutines
// takes whole calls from the line of calls that have events. A worker runs
// one call's events, in order, for one turn (the events the call had when
// it was taken), then puts the call back at the end of the line if more
// arrived. So the events of one call never run at once or out of order, and
// a call whose handler blocks holds one worker: the other calls' events go
// on with the others (a hash of calls onto fixed workers let one blocked
// call stall every call that shared its worker).
//
// Admission is all or nothing: a delivery whose events do not fit in
// QueueSize and QueueBytes, or would take a call that holds events beyond
// CallQueueSize or CallQueueBytes, is refused whole (503), and nothing of
// it is queued or remembered, so its redelivery is not taken for a repeat.

// callQueue holds the events of one call that wait for a worker, in order.
type callQueue struct {
	key       string
	events    []queued
	held      int   // events queued or running, for CallQueueSize
	bytes     int64 // what they hold, for CallQueueBytes
	scheduled bool  // in the line, or taken by a worker
	running   bool  // taken by a worker
}

type queued struct {
	ev   Event
	cost int64  // its share of its delivery's body
	seq  uint64 // arrival order
}

var (
	errHandlerClosed = &CallbackRequestError{Status: http.StatusServiceUnavailable, Problem: "handler is closed"}
	errQueueFull     = &CallbackRequestError{Status: http.StatusServiceUnavailable, Problem: "event queue is full"}
	errCallQueueFull = &CallbackRequestError{Status: http.StatusServiceUnavailable, Problem: "the call's share of the event queue is full"}
	errInProgress    = &CallbackRequestError{Status: http.StatusServiceUnavailable, Problem: "an event of the delivery is being handled"}
	errSenderLeft    = &CallbackRequestError{Status: http.StatusServiceUnavailable, Problem: "the sender left before the events were handled"}
)

// callKey is the queue of ev: its call connection, else its server call
// (an IncomingCall), else a queue of its own.
func callKey(ev Event, seq uint64) string {
	i := ev.Info()
	switch {
	case i.CallConnectionID != "":
		return "c" + i.CallConnectionID
	case i.ServerCallID != "":
		return "s" + i.ServerCallID
	}
	return "#" + strconv.FormatUint(seq, 10)
}

// enqueue queues the events of one delivery that arrived by ch, each
// holding share bytes, all or none, leaving out those already seen.
func (h *CallbackHandler) enqueue(ch channel, events []Event, share int) *CallbackRequestError {
	cost := max(1, int64(share))
	h.qmu.Lock()
	defer h.qmu.Unlock()
	if h.stopped {
		return errHandlerClosed
	}
	// Which events are new: not seen before, nor earlier in this delivery.
	keys := make([]string, len(events))
	repeat := make([]bool, len(events))
	inDelivery := make(map[string]bool, len(events))
	fresh := 0
	for i, ev := range events {
		k := h.dedup.key(ch, ev)
		if k != "" {
			if h.dedup.seen(k) || inDelivery[k] {
				repeat[i] = true
				continue
			}
			inDelivery[k] = true
		}
		keys[i] = k
		fresh++
	}
	if fresh == 0 {
		return nil // all repeats: already queued or handled
	}
	if h.queued > 0 && (h.queued+fresh > h.opts.QueueSize || h.bytes+int64(fresh)*cost > h.opts.QueueBytes) {
		return errQueueFull
	}
	if h.overCallShare(events, repeat, cost) {
		return errCallQueueFull
	}
	for i, ev := range events {
		if repeat[i] {
			continue
		}
		if keys[i] != "" {
			h.dedup.add(keys[i], false)
		}
		h.seq++
		k := callKey(ev, h.seq)
		q := h.calls[k]
		if q == nil {
			q = &callQueue{key: k}
			h.calls[k] = q
		}
		q.events = append(q.events, queued{ev: ev, cost: cost, seq: h.seq})
		q.held++
		q.bytes += cost
		if !q.scheduled {
			q.scheduled = true
			h.ready = append(h.ready, q)
		}
	}
	h.queued += fresh
	h.bytes += int64(fresh) * cost
	for n := min(h.opts.Workers-h.workers, len(h.ready)); n > 0; n-- {
		h.workers++
		h.wg.Add(1)
		go h.work()
	}
	return nil
}

// overCallShare reports whether the fresh events of a delivery (those not
// repeat) would take a call that already holds events beyond its share of
// the queue. Call with h.qmu held.
func (h *CallbackHandler) overCallShare(events []Event, repeat []bool, cost int64) bool {
	over := func(k string, n int) bool {
		q := h.calls[k]
		return q != nil && q.held > 0 && (q.held+n > h.opts.CallQueueSize || q.bytes+int64(n)*cost > h.opts.CallQueueBytes)
	}
	if len(events) == 1 { // a Call Automation callback: one event
		return !repeat[0] && over(callKey(events[0], 0), 1)
	}
	perCall := map[string]int{}
	for i, ev := range events {
		if !repeat[i] {
			perCall[callKey(ev, 0)]++ // an event of no call has a queue of its own: "#0" holds nothing
		}
	}
	for k, n := range perCall {
		if over(k, n) {
			return true
		}
	}
	return false
}

// work runs calls from the line until it is empty.
func (h *CallbackHandler) work() {
	defer h.wg.Done()
	h.qmu.Lock()
	defer h.qmu.Unlock()
	for len(h.ready) > 0 {
		q := h.ready[0]
		h.ready[0] = nil
		h.ready = h.ready[1:]
		q.running = true
		for turn := len(q.events); turn > 0 && len(q.events) > 0; turn-- {
			it := q.events[0]
			q.events[0] = queued{}
			q.events = q.events[1:]
			h.qmu.Unlock()
			h.dispatch(h.ctx, it.ev)
			h.qmu.Lock()
			h.queued--
			h.bytes -= it.cost
			q.held--
			q.bytes -= it.cost
		}
		q.running = false
		if len(q.events) > 0 {
			h.ready = append(h.ready, q)
		} else {
			q.scheduled = false
			delete(h.calls, q.key)
		}
	}
	h.workers--
	if h.workers == 0 && h.stopped {
		close(h.idle)
	}
}

// runNow runs the events of a delivery in the request (Synchronous),
// each once: an event whose handlers returned before its sender gave up
// is remembered and not run again; one whose handlers are running in
// another request refuses this delivery (503: the sender retries after
// they return); one whose sender left while its handlers ran is
// forgotten, so that its redelivery runs it again.
func (h *CallbackHandler) runNow(ctx context.Context, ch channel, events []Event) *CallbackRequestError {
	for _, ev := range events {
		k := h.dedup.key(ch, ev)
		if k != "" {
			h.qmu.Lock()
			seen, running := h.dedup.lookup(k)
			if !seen {
				h.dedup.add(k, true)
			}
			h.qmu.Unlock()
			switch {
			case running:
				return errInProgress
			case seen:
				continue
			}
		}
		h.dispatch(ctx, ev)
		if k != "" {
			h.qmu.Lock()
			h.dedup.finish(k, ctx.Err() == nil)
			h.qmu.Unlock()
		}
		if ctx.Err() != nil {
			return errSenderLeft
		}
	}
	return nil
}

// Shutdown stops accepting deliveries (they get 503 and are retried by
// their senders), lets the workers handle the events already queued, and
// waits for them to end. If ctx ends first, it drops the events still
// queued, hands them to OnDropped, cancels the context of the running
// event handlers and returns a *ShutdownError that counts the dropped
// events and wraps ctx's error, without waiting further: the workers end
// as soon as the running handlers return. When nothing was left to drop
// (the handler was idle, or only running handlers remained, now
// cancelled) it returns nil, whether or not ctx had ended. It also ends a
// key fetch in flight.
func (h *CallbackHandler) Shutdown(ctx context.Context) error {
	h.stop()
	select {
	case <-h.idle:
	case <-ctx.Done():
		// Also when ctx had ended before Shutdown was called: what is
		// still queued is dropped; nothing queued, nothing to report.
		dropped := h.drop()
		h.cancel()
		if len(dropped) == 0 {
			return nil
		}
		h.reportDropped(dropped)
		return &ShutdownError{Dropped: len(dropped), Err: ctx.Err()}
	}
	h.wg.Wait()
	h.cancel()
	return nil
}

// Close stops accepting deliveries, drops the events still queued (handing
// them to OnDropped), cancels the context of the running event handlers,
// and waits for them to return. It returns a *ShutdownError counting the
// dropped events, or nil when there were none; calling it again returns
// nil.
func (h *CallbackHandler) Close() error {
	h.stop()
	dropped := h.drop()
	h.cancel()
	<-h.idle
	h.wg.Wait() // the workers have returned, not only stopped working
	h.reportDropped(dropped)
	if len(dropped) > 0 {
		return &ShutdownError{Dropped: len(dropped)}
	}
	return nil
}

// stop marks the handler closed, once: no more events are queued.
func (h *CallbackHandler) stop() {
	h.closeOnce.Do(func() {
		h.closed.Store(true)
		h.qmu.Lock()
		h.stopped = true
		if h.workers == 0 {
			close(h.idle)
		}
		h.qmu.Unlock()
		_ = h.auth.Close() // ends a key fetch in flight
	})
}

// drop takes the queued events that no worker has started, in the order
// they arrived.
func (h *CallbackHandler) drop() []Event {
	h.qmu.Lock()
	var items []queued
	for k, q := range h.calls {
		items = append(items, q.events...)
		for _, it := range q.events {
			h.queued--
			h.bytes -= it.cost
			q.held--
			q.bytes -= it.cost
		}
		q.events = nil
		if !q.running {
			delete(h.calls, k)
		}
	}
	clear(h.ready)
	h.ready = h.ready[:0]
	h.qmu.Unlock()
	slices.SortFunc(items, func(a, b queued) int { return cmp.Compare(a.seq, b.seq) })
	events := make([]Event, len(items))
	for i, it := range items {
		events[i] = it.ev
	}
	return events
}

func (h *CallbackHandler) reportDropped(events []Event) {
	if len(events) == 0 || h.opts.OnDropped == nil {
		return
	}
	defer func() { _ = recover() }() // a panicking hook must not stop the shutdown
	h.opts.OnDropped(events)
}

// ShutdownError reports that Shutdown or Close ended before every event
// answered 200 was handled: Dropped events were never run (OnDropped
// received them). Their senders will not send them again.
type ShutdownError struct {
	// Dropped is the number of events dropped.
	Dropped int
	// Err is why Shutdown stopped waiting: its context's error. It is nil
	// for Close.
	Err error
}

// Error implements error.
func (e *ShutdownError) Error() string {
	s := "calling: callback handler closed with " + strconv.Itoa(e.Dropped) + " accepted events not handled"
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns Err.
func (e *ShutdownError) Unwrap() error { return e.Err }
