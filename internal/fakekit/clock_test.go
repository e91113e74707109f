package fakekit

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func fired(tm *Timer) (time.Time, bool) {
	select {
	case at := <-tm.C():
		return at, true
	default:
		return time.Time{}, false
	}
}

func TestClockNowAdvanceSet(t *testing.T) {
	clk := NewClock(start)
	assert.Equal(t, start, clk.Now())
	clk.Advance(time.Minute)
	assert.Equal(t, start.Add(time.Minute), clk.Now())
	clk.Advance(-time.Hour)
	assert.Equal(t, start.Add(time.Minute), clk.Now(), "negative advance is zero")
	clk.Set(start.Add(-time.Hour))
	assert.Equal(t, start.Add(-time.Hour), clk.Now(), "set may go back")
}

func TestClockFiresTimersInOrder(t *testing.T) {
	clk := NewClock(start)
	late := clk.NewTimer(3 * time.Minute)
	early := clk.NewTimer(time.Minute)
	tie := clk.NewTimer(time.Minute)
	far := clk.NewTimer(time.Hour)
	assert.Equal(t, 4, clk.Pending())
	assert.Equal(t, []time.Time{start.Add(time.Minute), start.Add(time.Minute), start.Add(3 * time.Minute), start.Add(time.Hour)}, clk.Deadlines())

	clk.Advance(59 * time.Second)
	for _, tm := range []*Timer{late, early, tie, far} {
		_, ok := fired(tm)
		assert.False(t, ok, "nothing is due yet")
	}

	clk.Advance(2*time.Minute + time.Second)
	at, ok := fired(early)
	require.True(t, ok)
	assert.Equal(t, start.Add(time.Minute), at, "a timer delivers its deadline")
	_, ok = fired(tie)
	assert.True(t, ok)
	at, ok = fired(late)
	require.True(t, ok)
	assert.Equal(t, start.Add(3*time.Minute), at)
	_, ok = fired(far)
	assert.False(t, ok)
	assert.Equal(t, 1, clk.Pending())

	// A timer fires once.
	clk.Advance(2 * time.Hour)
	_, ok = fired(late)
	assert.False(t, ok)
	_, ok = fired(far)
	assert.True(t, ok)
	assert.Zero(t, clk.Pending())
}

func TestClockOrderAcrossOneAdvance(t *testing.T) {
	// Timers due in one Advance fire earliest first: a reader of several
	// channels sees their values in deadline order.
	clk := NewClock(start)
	var timers []*Timer
	for _, d := range []time.Duration{5, 1, 4, 2, 3} {
		timers = append(timers, clk.NewTimer(d*time.Second))
	}
	clk.Advance(10 * time.Second)
	var got []time.Duration
	for _, tm := range timers {
		at, ok := fired(tm)
		require.True(t, ok)
		got = append(got, at.Sub(start))
	}
	assert.Equal(t, []time.Duration{5 * time.Second, time.Second, 4 * time.Second, 2 * time.Second, 3 * time.Second}, got)
}

func TestClockStop(t *testing.T) {
	clk := NewClock(start)
	tm := clk.NewTimer(time.Minute)
	assert.True(t, tm.Stop())
	assert.False(t, tm.Stop(), "already stopped")
	assert.Zero(t, clk.Pending())
	clk.Advance(time.Hour)
	_, ok := fired(tm)
	assert.False(t, ok)

	tm = clk.NewTimer(time.Minute)
	clk.Advance(time.Minute)
	assert.False(t, tm.Stop(), "already fired")
}

func TestClockImmediateTimer(t *testing.T) {
	clk := NewClock(start)
	for _, d := range []time.Duration{0, -time.Second} {
		tm := clk.NewTimer(d)
		at, ok := fired(tm)
		require.True(t, ok)
		assert.Equal(t, start, at)
		assert.False(t, tm.Stop())
		assert.Zero(t, clk.Pending())
	}
}

func TestClockSetBackwardsFiresNothing(t *testing.T) {
	clk := NewClock(start)
	tm := clk.NewTimer(time.Minute)
	clk.Set(start.Add(-time.Hour))
	_, ok := fired(tm)
	assert.False(t, ok)
	clk.Set(start.Add(time.Minute))
	_, ok = fired(tm)
	assert.True(t, ok)
}

func TestClockBlockUntil(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	clk := NewClock(start)

	require.NoError(t, clk.BlockUntil(ctx, 0))

	// A goroutine arms a timer; the test learns of it without sleeping.
	got := make(chan time.Time, 1)
	go func() {
		tm := clk.NewTimer(time.Minute)
		got <- <-tm.C()
	}()
	require.NoError(t, clk.BlockUntil(ctx, 1))
	clk.Advance(time.Minute)
	assert.Equal(t, start.Add(time.Minute), <-got)

	// It gives up when its ctx ends.
	short, cancelShort := context.WithCancel(ctx)
	res := make(chan error, 1)
	go func() { res <- clk.BlockUntil(short, 1) }()
	cancelShort()
	assert.ErrorIs(t, <-res, context.Canceled)
}

func TestClockConcurrentUse(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	clk := NewClock(start)
	const n = 50
	var wg sync.WaitGroup
	wg.Add(n)
	for i := range n {
		go func() {
			defer wg.Done()
			tm := clk.NewTimer(time.Duration(i+1) * time.Second)
			_ = clk.Now()
			if i%2 == 0 {
				tm.Stop()
				return
			}
			<-tm.C()
		}()
	}
	// Half stop their timers, half wait for them: advance until all are done.
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for {
		select {
		case <-done:
			assert.Zero(t, clk.Pending())
			return
		case <-ctx.Done():
			t.Fatal("timed out")
		default:
			clk.Advance(time.Second)
			_ = clk.Deadlines()
		}
	}
}
