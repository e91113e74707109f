package identity

import "time"

// Clock is the source of time of the module: what time it is, and timers
// that fire later. Every options struct of identity, chat, calling and
// teamsuser that needs time takes one as its Clock field, and nil there
// means SystemClock; tests pass a manual clock, such as identity/fake's
// NewClock, to move time forward without sleeping.
//
// A Clock must be safe for concurrent use.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// NewTimer returns a timer that sends the time on its channel once, after
	// at least d has passed. A timer with d <= 0 fires at once.
	NewTimer(d time.Duration) Timer
}

// Timer is a single event of a Clock, in the manner of [time.Timer].
type Timer interface {
	// C returns the channel on which the timer delivers the time when it
	// fires. Firing never blocks the Clock, whether or not anybody receives.
	C() <-chan time.Time
	// Stop prevents the timer from firing. It returns true if it stopped the
	// timer and false if the timer had already fired or been stopped.
	Stop() bool
}

// SystemClock returns the Clock of the operating system, built on
// [time.Now] and [time.NewTimer].
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) NewTimer(d time.Duration) Timer { return systemTimer{time.NewTimer(d)} }

type systemTimer struct{ t *time.Timer }

func (t systemTimer) C() <-chan time.Time { return t.t.C }

func (t systemTimer) Stop() bool { return t.t.Stop() }
