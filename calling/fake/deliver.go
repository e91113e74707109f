package fake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
)

// Event delivery. Every call connection has an outbox, a FIFO of its events;
// incoming calls share one more. A fixed pool of workers takes outboxes
// that have events from a ready list, one event at a time, and an outbox is
// in the ready list or in a worker's hands at most once: so the events of a
// connection go out one after the other, in the order they were raised,
// while different connections go out in parallel. An event leaves its
// outbox only after its delivery ended (delivered, or given up after the
// last attempt), so none is lost or sent twice by the switchboard.

// status is the fate of one delivery; guarded by deliverer.mu.
type status struct {
	delivered bool
	attempts  int
	err       string
}

// record is a raised event: the event itself, immutable once raised, and
// its delivery status.
type record struct {
	ev Event
	st status
}

// item is one delivery: a callback event, or an incoming call (with the
// copy of its announcement taken when it was queued).
type item struct {
	rec  *record
	in   *incoming
	info IncomingCall
}

// outbox is the FIFO of one call connection's events; guarded by
// deliverer.mu.
type outbox struct {
	pending []*item
	queued  bool // in the ready list, or being delivered by a worker
}

type deliverer struct {
	sb       *Switchboard
	client   *http.Client
	own      *http.Transport // the client's transport when the switchboard made it
	attempts int

	mu      sync.Mutex
	cond    *sync.Cond
	ready   []*outbox
	grid    *outbox
	closed  bool
	pending int
	idle    chan struct{} // closed and replaced when pending drops to zero
	wg      sync.WaitGroup
}

func newDeliverer(sb *Switchboard) *deliverer {
	d := &deliverer{sb: sb, client: sb.opts.HTTPClient, attempts: sb.opts.DeliveryAttempts, idle: make(chan struct{})}
	d.cond = sync.NewCond(&d.mu)
	d.grid = &outbox{}
	workers := sb.opts.DeliveryWorkers
	if workers <= 0 {
		workers = 16
	}
	if d.attempts <= 0 {
		d.attempts = 5
	}
	if d.client == nil {
		d.own = http.DefaultTransport.(*http.Transport).Clone()
		d.own.MaxIdleConnsPerHost = workers
		d.client = &http.Client{Timeout: 10 * time.Second, Transport: d.own}
	}
	d.wg.Add(workers)
	for range workers {
		go d.work()
	}
	return d
}

func (d *deliverer) newOutbox() *outbox { return &outbox{} }

// enqueue adds a delivery to an outbox. Safe with sb.mu held.
func (d *deliverer) enqueue(ob *outbox, it *item) {
	if it.in != nil {
		it.info = it.in.info
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		d.fail(it, "the switchboard closed before delivery")
		return
	}
	ob.pending = append(ob.pending, it)
	d.pending++
	if !ob.queued {
		ob.queued = true
		d.ready = append(d.ready, ob)
		d.cond.Signal()
	}
}

func (d *deliverer) work() {
	defer d.wg.Done()
	d.mu.Lock()
	for {
		for len(d.ready) == 0 && !d.closed {
			d.cond.Wait()
		}
		if d.closed {
			// Give up what is left, so that inspection says so.
			for _, ob := range d.ready {
				for _, it := range ob.pending {
					d.fail(it, "the switchboard closed before delivery")
				}
				d.pending -= len(ob.pending)
				ob.pending = nil
			}
			d.ready = nil
			d.mu.Unlock()
			return
		}
		ob := d.ready[0]
		d.ready[0] = nil
		d.ready = d.ready[1:]
		it := ob.pending[0]
		d.mu.Unlock()

		attempts, err := d.deliver(it)

		d.mu.Lock()
		st := it.status()
		st.attempts += attempts
		if err != nil {
			st.err = err.Error()
		} else {
			st.delivered = true
		}
		ob.pending[0] = nil
		ob.pending = ob.pending[1:]
		d.pending--
		if len(ob.pending) > 0 {
			d.ready = append(d.ready, ob)
			d.cond.Signal()
		} else {
			ob.queued = false
		}
		if d.pending == 0 {
			close(d.idle)
			d.idle = make(chan struct{})
		}
	}
}

func (it *item) status() *status {
	if it.rec != nil {
		return &it.rec.st
	}
	return &it.in.st
}

// fail marks a delivery given up. Call with d.mu held.
func (d *deliverer) fail(it *item, why string) {
	st := it.status()
	if st.err == "" {
		st.err = why
	}
}

func (d *deliverer) close() {
	d.mu.Lock()
	d.closed = true
	d.cond.Broadcast()
	d.mu.Unlock()
}

func (d *deliverer) wait() {
	d.wg.Wait()
	d.mu.Lock()
	if d.pending != 0 {
		d.pending = 0
		close(d.idle)
		d.idle = make(chan struct{})
	}
	d.mu.Unlock()
	if d.own != nil {
		d.own.CloseIdleConnections()
	}
}

// flush waits until no delivery is pending.
func (d *deliverer) flush(ctx context.Context) error {
	for {
		d.mu.Lock()
		if d.pending == 0 || d.closed {
			d.mu.Unlock()
			return nil
		}
		idle := d.idle
		d.mu.Unlock()
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// deliver makes one delivery: in process, or by POST with retries. It
// returns the POSTs made and, when the delivery was given up, why.
func (d *deliverer) deliver(it *item) (int, error) {
	sb := d.sb
	ctx := sb.ctx
	if it.rec != nil {
		ev := it.rec.ev
		body, err := encodeCallback(&ev)
		if err != nil {
			return 0, fmt.Errorf("encoding the event: %w", err)
		}
		if h := sb.opts.OnEvent; h != nil {
			return 0, callHandler(func() { h(ctx, Delivery{URL: ev.CallbackURL, Body: body, Event: &ev}) })
		}
		return d.post(ctx, ev.CallbackURL, body, func(h http.Header) {
			h.Set("Authorization", "Bearer "+sb.signer.token(sb.clock.Now()))
		})
	}
	info := it.info
	body, err := encodeIncomingCall(&info)
	if err != nil {
		return 0, fmt.Errorf("encoding the event: %w", err)
	}
	target := it.in.gridURL
	if target == "" {
		target = sb.opts.EventGridURL
	}
	if h := sb.opts.OnIncomingCall; h != nil {
		return 0, callHandler(func() { h(ctx, Delivery{URL: target, Body: body, IncomingCall: &info}) })
	}
	if target == "" {
		return 0, errNoEventGrid
	}
	n := 0
	return d.post(ctx, target, body, func(h http.Header) {
		n++
		for k, vs := range sb.opts.EventGridHeader {
			h[k] = append([]string(nil), vs...)
		}
		h.Set("aeg-event-type", "Notification")
		h.Set("aeg-subscription-name", "SWITCHBOARD-INCOMINGCALL")
		h.Set("aeg-delivery-count", strconv.Itoa(n-1))
		h.Set("aeg-data-version", "1.0")
		h.Set("aeg-metadata-version", "1")
	})
}

var errNoEventGrid = fmt.Errorf("no Event Grid subscription: set Options.EventGridURL or Options.OnIncomingCall")

// callHandler runs an in-process handler; a panic in it is the delivery's
// failure, not the switchboard's.
func callHandler(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the handler panicked: %v", r)
		}
	}()
	f()
	return nil
}

// post POSTs body to target, retrying transport errors, 408, 429 and 5xx
// with a doubling pause, up to the configured attempts.
func (d *deliverer) post(ctx context.Context, target string, body []byte, header func(http.Header)) (int, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return 0, fmt.Errorf("the callback url is not an http(s) url")
	}
	if !d.sb.opts.AllowRemoteCallbacks && !callwire.IsLoopbackHost(u.Hostname()) {
		return 0, fmt.Errorf("the callback host is not loopback (set Options.AllowRemoteCallbacks to deliver there)")
	}
	pause := 10 * time.Millisecond
	var last error
	for attempt := 1; attempt <= d.attempts; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
		if err != nil {
			return attempt - 1, err
		}
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
		req.Header.Set("User-Agent", "teamsuser-go-switchboard")
		header(req.Header)
		resp, err := d.client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			switch {
			case resp.StatusCode >= 200 && resp.StatusCode < 300:
				return attempt, nil
			case resp.StatusCode == http.StatusRequestTimeout || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
				last = fmt.Errorf("the receiver answered %d", resp.StatusCode)
			default:
				return attempt, fmt.Errorf("the receiver answered %d", resp.StatusCode)
			}
		} else {
			if ctx.Err() != nil {
				return attempt, fmt.Errorf("the switchboard closed during delivery")
			}
			last = fmt.Errorf("posting failed: %w", unwrapURLError(err))
		}
		if attempt == d.attempts {
			break
		}
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return attempt, fmt.Errorf("the switchboard closed during delivery")
		}
		pause = min(2*pause, time.Second)
	}
	return d.attempts, last
}

// unwrapURLError drops the URL from a transport error: a callback URL may
// carry a secret in its query.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
