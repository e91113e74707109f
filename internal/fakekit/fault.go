package fakekit

import (
	"context"
	"math"
	"sync"
	"time"
)

// Fault is a failure a fake injects into matching requests, on both of its
// faces. identity/fake.Fault has the same fields and documents them; the
// fakes convert it to this type, so the compiler keeps the two alike.
type Fault struct {
	Op              string
	Status          int
	Code            string
	Message         string
	RetryAfter      time.Duration
	Delay           time.Duration
	Hang            bool
	Drop            bool
	AfterProcessing bool
	Times           int
	Skip            int
	Ratio           float64
}

// limit is how many requests f applies to; 0 means without limit.
func (f *Fault) limit() int {
	switch {
	case f.Times > 0:
		return f.Times
	case f.Ratio > 0:
		return 0
	}
	return 1
}

// Answers reports whether f decides the answer (an error status or a
// dropped connection) rather than only holding the request.
func (f *Fault) Answers() bool { return f.Drop || f.Status != 0 }

// RetryAfterSeconds is f's RetryAfter in whole seconds, rounded up (never
// shorter than the wait asked for), as the fakes send it.
func (f *Fault) RetryAfterSeconds() int64 {
	return int64((f.RetryAfter + time.Second - 1) / time.Second)
}

// Faults is a fake's list of injected faults. The zero value is empty and
// ready; it is safe for concurrent use.
type Faults struct {
	mu      sync.Mutex
	list    []*faultState
	applied int
}

type faultState struct {
	f    Fault
	seen int // matching requests seen
	used int // requests the fault applied to
}

// Inject adds f after the faults already injected. A Ratio outside [0, 1]
// is clamped to it.
func (fs *Faults) Inject(f Fault) {
	f.Ratio = min(max(f.Ratio, 0), 1)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = append(fs.list, &faultState{f: f})
}

// Clear removes every fault and sets Applied back to zero.
func (fs *Faults) Clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list, fs.applied = nil, 0
}

// Applied returns how many requests faults have applied to since the last
// Clear.
func (fs *Faults) Applied() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.applied
}

// Take returns a copy of the fault that applies to this request of op, or
// nil. Faults are tried in the order they were injected; the first that
// applies wins. A fault matches when its Op is empty or op; of the matching
// requests it lets the first Skip through, then applies to Times of them
// (zero: one, or all with a Ratio), and with a Ratio to that share of them,
// spread evenly and exactly: with 0.3, 3 of every 10 consecutive ones, never
// two in a row below 0.5. Faults count requests; they draw no random
// numbers.
func (fs *Faults) Take(op string) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, st := range fs.list {
		f := &st.f
		if f.Op != "" && f.Op != op {
			continue
		}
		st.seen++
		n := st.seen - f.Skip
		if n <= 0 {
			continue
		}
		// Apply when the running share floor(n*ratio) grows.
		if f.Ratio > 0 && math.Floor(float64(n)*f.Ratio+1e-9) <= math.Floor(float64(n-1)*f.Ratio+1e-9) {
			continue
		}
		st.used++
		fs.applied++
		cp := *f
		if lim := f.limit(); lim > 0 && st.used >= lim {
			fs.list = append(fs.list[:i:i], fs.list[i+1:]...) // used up
		}
		return &cp
	}
	return nil
}

// Verdict says what answers a request after Apply.
type Verdict int

const (
	// Proceed: the operation ran (or runs now); its own outcome answers.
	Proceed Verdict = iota
	// Fail: the fault's error status answers.
	Fail
	// Drop: nothing answers; the connection is closed (the HTTP face) or
	// the call fails with the fake's ErrDropped (the Go face).
	Drop
	// Gone: the request's context ended while the fault held it; the
	// operation did not run and nothing answers.
	Gone
)

// Apply runs one request under f, the fault Take returned (nil: none). It
// holds the request for f's Delay, or with Hang until ctx ends; then, unless
// f answers before the operation takes effect, runs op (with
// AfterProcessing, op runs and f answers anyway, as when an answer is lost
// on its way back). It is the one place where the fakes' faces apply faults.
func Apply(ctx context.Context, f *Fault, op func()) Verdict {
	if f == nil {
		op()
		return Proceed
	}
	if f.Hang {
		<-ctx.Done()
		return Gone
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return Gone
		}
	}
	if !f.Answers() {
		op()
		return Proceed
	}
	if f.AfterProcessing {
		op()
	}
	if f.Drop {
		return Drop
	}
	return Fail
}
