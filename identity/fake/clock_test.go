package fake_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func fired(tm identity.Timer) (time.Time, bool) {
	select {
	case at := <-tm.C():
		return at, true
	default:
		return time.Time{}, false
	}
}

// The public Clock is the kit's (whose own tests cover it) as an
// identity.Clock: its timers fire when it is moved, in deadline order.
func TestClockIsAnIdentityClock(t *testing.T) {
	var clk identity.Clock = fake.NewClock(start)
	c := clk.(*fake.Clock)
	late, early := clk.NewTimer(2*time.Minute), clk.NewTimer(time.Minute)
	assert.Equal(t, []time.Time{start.Add(time.Minute), start.Add(2 * time.Minute)}, c.Deadlines())
	require.NoError(t, c.BlockUntil(context.Background(), 2))
	c.Advance(time.Minute)
	at, ok := fired(early)
	require.True(t, ok)
	assert.Equal(t, start.Add(time.Minute), at)
	_, ok = fired(late)
	assert.False(t, ok)
	assert.True(t, late.Stop())
	assert.Zero(t, c.Pending())
	c.Set(start.Add(time.Hour))
	assert.Equal(t, start.Add(time.Hour), clk.Now())
}

// A test moves time forward, and the code under test sees its timer fire,
// without any sleep.
func ExampleClock() {
	clk := fake.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))

	done := make(chan string)
	go func() {
		// The code under test waits five minutes on the clock it was given.
		tm := clk.NewTimer(5 * time.Minute)
		at := <-tm.C()
		done <- "fired at " + at.Format(time.TimeOnly)
	}()

	// Wait until the timer is armed, then move time past it.
	if err := clk.BlockUntil(context.Background(), 1); err != nil {
		panic(err)
	}
	clk.Advance(10 * time.Minute)
	fmt.Println(<-done)
	fmt.Println("now", clk.Now().Format(time.TimeOnly))
	// Output:
	// fired at 12:05:00
	// now 12:10:00
}
