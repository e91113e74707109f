package fake

import (
	"context"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
)

// Clock is a manual identity.Clock for tests, the one of all three fakes
// (their Options.Clock) and of the clients and credentials under test: time
// stands still until the test moves it with Advance or Set, and timers fire
// only then, in the order of their deadlines. BlockUntil lets a test wait,
// without sleeping, until the code under test has armed its timers.
//
// A Clock is safe for concurrent use. Its zero value is not usable; call
// NewClock.
type Clock struct{ c *fakekit.Clock }

var _ identity.Clock = (*Clock)(nil)

// NewClock returns a manual clock that reads start until it is moved.
func NewClock(start time.Time) *Clock { return &Clock{fakekit.NewClock(start)} }

// Now returns the clock's current time.
func (c *Clock) Now() time.Time { return c.c.Now() }

// NewTimer returns a timer that fires when the clock reaches Now()+d. A
// timer with d <= 0 fires at once and is never pending.
func (c *Clock) NewTimer(d time.Duration) identity.Timer { return c.c.NewTimer(d) }

// Advance moves the clock forward by d and fires, in the order of their
// deadlines, the timers that are due. A negative d is treated as zero.
func (c *Clock) Advance(d time.Duration) { c.c.Advance(d) }

// Set moves the clock to t and fires, in the order of their deadlines, the
// timers that are then due. Moving the clock backwards fires nothing.
func (c *Clock) Set(t time.Time) { c.c.Set(t) }

// Pending returns the number of timers that have neither fired nor been
// stopped.
func (c *Clock) Pending() int { return c.c.Pending() }

// Deadlines returns the times at which the pending timers will fire, earliest
// first.
func (c *Clock) Deadlines() []time.Time { return c.c.Deadlines() }

// BlockUntil waits until at least n timers are pending, or ctx ends, in which
// case it returns ctx.Err(). Tests call it to know that the code under test
// has armed its timers before they Advance the clock.
func (c *Clock) BlockUntil(ctx context.Context, n int) error { return c.c.BlockUntil(ctx, n) }
