package fake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// How change notifications reach webhooks, by the service's clock. Source:
// "Throttling and Retry" and "Processing the change notification" of
// https://learn.microsoft.com/graph/change-notifications-delivery-webhooks:
//
//   - "An endpoint will be marked "slow" once more than 10% of responses take
//     longer than 3 seconds in a 10-minute window. Once an endpoint has been
//     marked "slow", any new notifications will be sent on a 10 second
//     delay", and it leaves that state once fewer than 10% are;
//   - "An endpoint will be marked "drop" once more than 15% of responses take
//     longer than 3 seconds in a 10-minute window. … any new notifications
//     will be dropped, for up to 10 minutes";
//   - "If Microsoft Graph doesn't receive a 2xx class code within 3 seconds,
//     it tries to resend the change notification multiple times, for up to
//     4 hours", then discards it.
//
// (The issue said 10 s; 10 s is the deadline of the validation request,
// ValidationTimeout, and the delay of a slow endpoint.) Choices where the
// page is silent: the back-off between tries (RetryBackoff, doubling up to
// MaxRetryBackoff); an endpoint is the notification URL; a POST that gets no
// answer at all (a refused connection) counts as a slow answer, since no
// answer came in time; the fractions apply from the first answer (an older
// copy of the page waited for 100 notifications; the current one names no
// minimum).
const (
	// SlowResponse is the longest an answer may take: a slower one counts
	// towards the slow and drop states, and is tried again as a failure.
	SlowResponse = 3 * time.Second
	// SlowWindow is the window over which slow answers are counted.
	SlowWindow = 10 * time.Minute
	// SlowDelay is how long a new notification to a "slow" endpoint waits.
	SlowDelay = 10 * time.Second
	// RetryFor is how long a notification is tried, from its first POST.
	RetryFor = 4 * time.Hour
	// RetryBackoff is the wait before the first retry; each next wait is
	// twice the last, at most MaxRetryBackoff.
	RetryBackoff = time.Minute
	// MaxRetryBackoff bounds the wait between two tries.
	MaxRetryBackoff = time.Hour
)

// The fractions of slow answers in SlowWindow above which an endpoint is
// "slow" and "drop".
const (
	slowFraction = 0.10
	dropFraction = 0.15
)

type queued struct {
	url string
	n   gw.ChangeNotification
}

// batch is one POST to make: notifications for one URL, due at at.
type batch struct {
	url     string
	ns      []gw.ChangeNotification
	attempt int       // of the next POST, from 1
	first   time.Time // when the first POST started; zero before it
	at      time.Time
}

// answer is one answer of an endpoint, for its slow and drop states.
type answer struct {
	at   time.Time
	slow bool
}

// notifier delivers notifications from one goroutine, started on the first
// notification and stopped by Close. New notifications are queued; the
// goroutine turns them into batches (dropped, delayed or due at once
// according to their endpoint's state), posts the batches that are due by
// the service's clock, and schedules the retries of those that failed.
type notifier struct {
	s *Service

	mu      sync.Mutex
	queue   []queued
	sched   []*batch
	busy    bool
	started bool
	closed  bool
	answers map[string][]answer // by URL, within SlowWindow
	changed chan struct{}       // closed and replaced when queue, sched or busy change
	wake    chan struct{}
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	log     []Delivery
}

func (n *notifier) init(s *Service) {
	n.s = s
	n.wake = make(chan struct{}, 1)
	n.changed = make(chan struct{})
	n.done = make(chan struct{})
	n.answers = map[string][]answer{}
	n.ctx, n.cancel = context.WithCancel(context.Background())
}

func (n *notifier) changedLocked() {
	close(n.changed)
	n.changed = make(chan struct{})
}

func (n *notifier) poke() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

func (n *notifier) enqueue(items []queued) {
	if len(items) == 0 {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		for _, it := range items {
			n.log = append(n.log, Delivery{URL: it.url, Notifications: []Notification{publicOf(it.n)}, Err: errors.New("fake: service closed")})
		}
		return
	}
	n.queue = append(n.queue, items...)
	n.changedLocked()
	if !n.started {
		n.started = true
		go n.run()
	}
	n.poke()
}

func (n *notifier) run() {
	defer close(n.done)
	clk := n.s.clk
	for {
		n.mu.Lock()
		now := n.s.clock()
		n.admitLocked(now)
		due := n.takeDueLocked(now)
		if len(due) > 0 {
			n.busy = true
			n.mu.Unlock()
			for _, b := range due {
				n.post(b)
			}
			n.mu.Lock()
			n.busy = false
			n.changedLocked()
			n.mu.Unlock()
			continue
		}
		var timer identity.Timer
		var fire <-chan time.Time
		if len(n.sched) > 0 {
			next := n.sched[0].at
			for _, b := range n.sched[1:] {
				if b.at.Before(next) {
					next = b.at
				}
			}
			timer = clk.NewTimer(next.Sub(now))
			fire = timer.C()
		}
		n.mu.Unlock()
		select {
		case <-n.wake:
		case <-fire:
		case <-n.ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// admitLocked turns the queued notifications into batches, one per URL in
// the order of first appearance, as their endpoint's state says: dropped,
// delayed by SlowDelay, or due now.
func (n *notifier) admitLocked(now time.Time) {
	if len(n.queue) == 0 {
		return
	}
	var urls []string
	byURL := map[string][]gw.ChangeNotification{}
	for _, q := range n.queue {
		if _, ok := byURL[q.url]; !ok {
			urls = append(urls, q.url)
		}
		byURL[q.url] = append(byURL[q.url], q.n)
	}
	n.queue = nil
	for _, u := range urls {
		b := &batch{url: u, ns: byURL[u], attempt: 1, at: now}
		switch n.stateLocked(u, now) {
		case endpointDrop:
			n.log = append(n.log, Delivery{URL: u, Notifications: publicOfAll(b.ns), Dropped: true})
			continue
		case endpointSlow:
			b.at = now.Add(SlowDelay)
		}
		n.sched = append(n.sched, b)
	}
	n.changedLocked()
}

type endpointState int

const (
	endpointOK endpointState = iota
	endpointSlow
	endpointDrop
)

// stateLocked is an endpoint's state by its answers in the SlowWindow
// before now.
func (n *notifier) stateLocked(url string, now time.Time) endpointState {
	as := slices.DeleteFunc(n.answers[url], func(a answer) bool { return !a.at.After(now.Add(-SlowWindow)) })
	n.answers[url] = as
	if len(as) == 0 {
		return endpointOK
	}
	slow := 0
	for _, a := range as {
		if a.slow {
			slow++
		}
	}
	switch f := float64(slow) / float64(len(as)); {
	case f > dropFraction:
		return endpointDrop
	case f > slowFraction:
		return endpointSlow
	}
	return endpointOK
}

// takeDueLocked removes and returns the batches due at now, earliest first.
func (n *notifier) takeDueLocked(now time.Time) []*batch {
	var due []*batch
	n.sched = slices.DeleteFunc(n.sched, func(b *batch) bool {
		if b.at.After(now) {
			return false
		}
		due = append(due, b)
		return true
	})
	slices.SortStableFunc(due, func(a, b *batch) int { return a.at.Compare(b.at) })
	return due
}

// post makes one POST of a batch, logs it, records the answer and, if it
// failed, schedules the next try.
func (n *notifier) post(b *batch) {
	start := n.s.clock()
	if b.first.IsZero() {
		b.first = start
	}
	body, _ := json.Marshal(gw.NotificationCollection{Value: b.ns})
	status, err := n.send(b.url, body)
	end := n.s.clock()
	d := Delivery{URL: b.url, Notifications: publicOfAll(b.ns), Status: status, Err: err, Attempt: b.attempt, Elapsed: end.Sub(start)}
	d.Slow = d.Elapsed > SlowResponse || err != nil
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ctx.Err() != nil {
		// Closed while posting: the try does not count, nothing follows.
		d.Err = errors.New("fake: service closed")
		n.log = append(n.log, d)
		return
	}
	n.answers[b.url] = append(n.answers[b.url], answer{at: end, slow: d.Slow})
	if !d.Slow && status/100 == 2 {
		n.log = append(n.log, d)
		return
	}
	wait := RetryBackoff
	for i := 1; i < b.attempt && wait < MaxRetryBackoff; i++ {
		wait *= 2
	}
	wait = min(wait, MaxRetryBackoff)
	if next := end.Add(wait); next.Sub(b.first) <= RetryFor {
		d.RetryAt = next
		n.sched = append(n.sched, &batch{url: b.url, ns: b.ns, attempt: b.attempt + 1, first: b.first, at: next})
	}
	n.log = append(n.log, d)
}

func (n *notifier) send(u string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(n.ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := n.s.webhookClient().Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode, nil
}

func publicOf(x gw.ChangeNotification) Notification {
	p := Notification{SubscriptionID: x.SubscriptionID, ChangeType: x.ChangeType, LifecycleEvent: x.LifecycleEvent, Resource: x.Resource, ClientState: x.ClientState}
	if x.ResourceData != nil {
		p.ResourceID = x.ResourceData.ID
	}
	return p
}

func publicOfAll(ns []gw.ChangeNotification) []Notification {
	out := make([]Notification, len(ns))
	for i, x := range ns {
		out[i] = publicOf(x)
	}
	return out
}

// flush waits until nothing is queued or being posted and no batch is due
// by the service's clock. It wakes the delivery goroutine while it waits:
// a batch that came due when the clock moved is posted even if the
// goroutine's timer was armed before the move.
func (n *notifier) flush(ctx context.Context) error {
	for {
		n.mu.Lock()
		now := n.s.clock()
		idle := len(n.queue) == 0 && !n.busy && !slices.ContainsFunc(n.sched, func(b *batch) bool { return !b.at.After(now) })
		changed := n.changed
		n.mu.Unlock()
		if idle {
			return nil
		}
		n.poke()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (n *notifier) close() {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return
	}
	n.closed = true
	started := n.started
	n.cancel()
	n.mu.Unlock()
	if started {
		<-n.done
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, it := range n.queue {
		n.log = append(n.log, Delivery{URL: it.url, Notifications: []Notification{publicOf(it.n)}, Err: errors.New("fake: service closed")})
	}
	for _, b := range n.sched {
		n.log = append(n.log, Delivery{URL: b.url, Notifications: publicOfAll(b.ns), Attempt: b.attempt, Err: errors.New("fake: service closed")})
	}
	n.queue, n.sched = nil, nil
	n.changedLocked()
}
