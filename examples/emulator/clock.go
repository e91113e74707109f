package main

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// clock is the emulator's time, shared by its fakes: the machine's time
// plus an offset that the control API moves forward. Time flows as on the
// machine (a client of the emulator, with its own clock, sees what it
// expects), and a test that does not want to wait for a ring timeout, a
// scripted answer or a token's expiry jumps: Advance fires at once, in the
// order of their deadlines, the timers it jumps past; the others fire when
// their deadline comes in real time.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
	timers map[*clockTimer]struct{} // pending
	seq    uint64
	// realNow is the machine's time (time.Now; tests fix it).
	realNow func() time.Time
	// afterFunc arms a real timer (time.AfterFunc; tests replace it).
	afterFunc func(d time.Duration, f func()) realTimer
}

// realTimer is what clock needs of a *time.Timer.
type realTimer interface {
	Stop() bool
	Reset(d time.Duration) bool
}

func newClock() *clock {
	return &clock{
		timers:    map[*clockTimer]struct{}{},
		realNow:   time.Now,
		afterFunc: func(d time.Duration, f func()) realTimer { return time.AfterFunc(d, f) },
	}
}

var _ identity.Clock = (*clock)(nil)

// Now returns the emulator's time.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *clock) nowLocked() time.Time { return c.realNow().Add(c.offset) }

// Offset returns how far Advance has moved the clock ahead of the machine.
func (c *clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// NewTimer returns a timer that fires once the emulator's time reaches
// Now()+d, by the passing of real time or by Advance.
func (c *clock) NewTimer(d time.Duration) identity.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &clockTimer{c: c, seq: c.seq, when: c.nowLocked().Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- t.when
		return t
	}
	c.timers[t] = struct{}{}
	t.real = c.afterFunc(d, func() { c.due(t) })
	return t
}

// due is t's real timer firing: t fires if the emulator's time reached its
// deadline, and waits again for what is left otherwise (the real timer and
// an Advance raced).
func (c *clock) due(t *clockTimer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.timers[t]; !ok {
		return
	}
	if left := t.when.Sub(c.nowLocked()); left > 0 {
		t.real.Reset(left)
		return
	}
	delete(c.timers, t)
	t.ch <- t.when
}

// Advance moves the clock forward by d (a negative d by nothing) and fires
// the timers it jumps past, in the order of their deadlines. It returns the
// new time and how many timers fired.
func (c *clock) Advance(d time.Duration) (time.Time, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += max(d, 0)
	now := c.nowLocked()
	var due []*clockTimer
	for t := range c.timers {
		if !t.when.After(now) {
			due = append(due, t)
		}
	}
	slices.SortFunc(due, func(a, b *clockTimer) int {
		if r := a.when.Compare(b.when); r != 0 {
			return r
		}
		return cmp.Compare(a.seq, b.seq)
	})
	for _, t := range due {
		delete(c.timers, t)
		t.real.Stop()
		t.ch <- t.when // never blocks: a timer fires once into a buffer of one
	}
	for t := range c.timers {
		t.real.Reset(t.when.Sub(now))
	}
	return now, len(due)
}

// Deadlines returns when the pending timers fire, earliest first.
func (c *clock) Deadlines() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]time.Time, 0, len(c.timers))
	for t := range c.timers {
		out = append(out, t.when)
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// clockTimer is a timer of a clock.
type clockTimer struct {
	c    *clock
	seq  uint64
	when time.Time
	ch   chan time.Time
	real realTimer
}

func (t *clockTimer) C() <-chan time.Time { return t.ch }

func (t *clockTimer) Stop() bool {
	c := t.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.timers[t]; !ok {
		return false
	}
	delete(c.timers, t)
	t.real.Stop()
	return true
}
