package fakekit

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"
)

// Clock is a manual clock: time stands still until Advance or Set moves it,
// and timers fire only then, in the order of their deadlines. BlockUntil
// waits, without sleeping, until the code under test has armed its timers.
// identity/fake.Clock is its public face (an identity.Clock); internal
// packages' tests use it directly.
//
// A Clock is safe for concurrent use. Its zero value is not usable; call
// NewClock.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	seq     uint64
	timers  []*Timer      // pending timers, in no particular order
	changed chan struct{} // closed and replaced when timers changes
}

// NewClock returns a manual clock that reads start until it is moved.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start, changed: make(chan struct{})}
}

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires when the clock reaches Now()+d. A
// timer with d <= 0 fires at once and is never pending.
func (c *Clock) NewTimer(d time.Duration) *Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &Timer{clock: c, when: c.now.Add(d), seq: c.seq, ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- c.now
		return t
	}
	c.timers = append(c.timers, t)
	c.notifyLocked()
	return t
}

// Advance moves the clock forward by d and fires, in the order of their
// deadlines, the timers that are due. A negative d is treated as zero.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setLocked(c.now.Add(max(d, 0)))
}

// Set moves the clock to t and fires, in the order of their deadlines, the
// timers that are then due. Moving the clock backwards fires nothing.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setLocked(t)
}

func (c *Clock) setLocked(t time.Time) {
	c.now = t
	var due []*Timer
	c.timers = slices.DeleteFunc(c.timers, func(tm *Timer) bool {
		if tm.when.After(t) {
			return false
		}
		due = append(due, tm)
		return true
	})
	if len(due) == 0 {
		return
	}
	slices.SortFunc(due, func(a, b *Timer) int {
		if r := a.when.Compare(b.when); r != 0 {
			return r
		}
		return cmp.Compare(a.seq, b.seq)
	})
	for _, tm := range due {
		tm.ch <- tm.when // never blocks: the buffer is empty until the timer fires, and it fires once
	}
	c.notifyLocked()
}

// Pending returns the number of timers that have neither fired nor been
// stopped.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Deadlines returns the times at which the pending timers will fire,
// earliest first.
func (c *Clock) Deadlines() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]time.Time, 0, len(c.timers))
	for _, t := range c.timers {
		out = append(out, t.when)
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// BlockUntil waits until at least n timers are pending, or ctx ends, in
// which case it returns ctx.Err().
func (c *Clock) BlockUntil(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		if len(c.timers) >= n {
			c.mu.Unlock()
			return nil
		}
		ch := c.changed
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (c *Clock) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// Timer is a timer of a Clock: its channel receives its deadline once the
// clock reaches it.
type Timer struct {
	clock *Clock
	when  time.Time
	seq   uint64
	ch    chan time.Time
}

// C returns the channel the timer fires on.
func (t *Timer) C() <-chan time.Time { return t.ch }

// Stop stops the timer; it reports whether the timer was pending.
func (t *Timer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	i := slices.Index(c.timers, t)
	if i < 0 {
		return false
	}
	c.timers = slices.Delete(c.timers, i, i+1)
	c.notifyLocked()
	return true
}
