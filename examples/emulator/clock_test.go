package main

import (
	"testing"
	"time"
)

// fakeReal is the machine's time and real timers, moved by the test.
type fakeReal struct {
	now    time.Time
	timers []*fakeRealTimer
}

type fakeRealTimer struct {
	f       func()
	left    time.Duration
	stopped bool
}

func (t *fakeRealTimer) Stop() bool                 { s := !t.stopped; t.stopped = true; return s }
func (t *fakeRealTimer) Reset(d time.Duration) bool { t.left, t.stopped = d, false; return true }

func newTestClock() (*clock, *fakeReal) {
	r := &fakeReal{now: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
	c := newClock()
	c.realNow = func() time.Time { return r.now }
	c.afterFunc = func(d time.Duration, f func()) realTimer {
		t := &fakeRealTimer{f: f, left: d}
		r.timers = append(r.timers, t)
		return t
	}
	return c, r
}

func fired(ch <-chan time.Time) (time.Time, bool) {
	select {
	case t := <-ch:
		return t, true
	default:
		return time.Time{}, false
	}
}

// TestClockAdvance: Advance fires the timers it jumps past, at their
// deadlines and in their order, re-arms the real timers of the others for
// what is left, and keeps the offset; a stopped timer never fires.
func TestClockAdvance(t *testing.T) {
	c, r := newTestClock()
	t0 := c.Now()
	late := c.NewTimer(10 * time.Second)
	early := c.NewTimer(5 * time.Second)
	stopped := c.NewTimer(time.Second)
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop of a pending timer, then again")
	}
	if now, n := c.Advance(6 * time.Second); !now.Equal(t0.Add(6*time.Second)) || n != 1 {
		t.Fatalf("Advance: %v, %d fired", now, n)
	}
	if at, ok := fired(early.C()); !ok || !at.Equal(t0.Add(5*time.Second)) {
		t.Fatalf("the 5 s timer: %v %v", at, ok)
	}
	if _, ok := fired(late.C()); ok {
		t.Fatal("the 10 s timer fired 4 s early")
	}
	if _, ok := fired(stopped.C()); ok {
		t.Fatal("a stopped timer fired")
	}
	if lt := r.timers[0]; lt.left != 4*time.Second || lt.stopped {
		t.Fatalf("the 10 s timer's real timer: %+v, want re-armed for 4 s", lt)
	}
	if d := c.Deadlines(); len(d) != 1 || !d[0].Equal(t0.Add(10*time.Second)) {
		t.Fatalf("deadlines %v", d)
	}
	if c.Offset() != 6*time.Second || early.Stop() {
		t.Fatalf("offset %v; Stop of a fired timer reported true", c.Offset())
	}
	if _, n := c.Advance(-time.Hour); n != 0 || c.Offset() != 6*time.Second {
		t.Fatal("a negative Advance moved the clock")
	}
	if at, ok := fired(c.NewTimer(0).C()); !ok || !at.Equal(c.Now()) {
		t.Fatal("a timer of no duration did not fire at once")
	}
}

// TestClockRealTime: a timer also fires when its deadline comes in real
// time; a real timer that fires before the emulator's time reached the
// deadline (it raced with an Advance that re-armed it) waits for the rest.
func TestClockRealTime(t *testing.T) {
	c, r := newTestClock()
	t0 := c.Now()
	tm := c.NewTimer(10 * time.Second)
	rt := r.timers[0]
	r.now = r.now.Add(9 * time.Second)
	rt.f()
	if _, ok := fired(tm.C()); ok || rt.left != time.Second {
		t.Fatalf("fired 1 s early, or not re-armed for 1 s (%v)", rt.left)
	}
	r.now = r.now.Add(time.Second)
	rt.f()
	if at, ok := fired(tm.C()); !ok || !at.Equal(t0.Add(10*time.Second)) {
		t.Fatalf("at its deadline: %v %v", at, ok)
	}
	rt.f() // a late duplicate does nothing
	if _, ok := fired(tm.C()); ok || tm.Stop() {
		t.Fatal("fired twice")
	}
}

// TestClockSystem: the emulator's clock with the machine's timers fires a
// short timer by itself.
func TestClockSystem(t *testing.T) {
	c := newClock()
	tm := c.NewTimer(time.Millisecond)
	select {
	case <-tm.C():
	case <-time.After(30 * time.Second):
		t.Fatal("a 1 ms timer did not fire in 30 s")
	}
	if d := time.Until(c.Now()); d > time.Second || d < -time.Second {
		t.Fatalf("an unmoved clock is %v off the machine's time", d)
	}
}
