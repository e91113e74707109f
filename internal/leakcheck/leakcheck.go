// Package leakcheck finds goroutines that outlive their owner, for the
// module's tests: "no goroutine outlives its owner" is a rule of the house,
// and a test that closes something checks it with
//
//	check := leakcheck.Start(t)
//	… start it, use it, close it …
//	check()
//
// It compares goroutine ids (not counts), so goroutines that ended meanwhile
// cannot hide one that was started. Tests that use it must not run in
// parallel with tests that start goroutines of their own.
package leakcheck

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"time"
)

// grace is how long check waits for goroutines started since Start to
// return. A goroutine that its owner has already told to stop (and whose
// end the owner waited for) is gone within microseconds; grace only covers
// the last instructions between its signal and its exit on a loaded
// machine. A goroutine that is still there after grace has leaked.
var grace = 3 * time.Second

// Start records the goroutines running now and returns check, which fails
// t, listing their stacks, if goroutines started since Start are still
// running 3 seconds after check is called.
func Start(t testing.TB) (check func()) {
	t.Helper()
	before := map[string]bool{}
	for _, g := range goroutines() {
		before[g.id] = true
	}
	return func() {
		t.Helper()
		deadline := time.Now().Add(grace)
		for {
			var left []string
			for _, g := range goroutines() {
				if !before[g.id] && !ignored(g.stack) {
					left = append(left, g.stack)
				}
			}
			if len(left) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%d goroutine(s) outlived their owner:\n\n%s", len(left), strings.Join(left, "\n\n"))
				return
			}
			runtime.Gosched()
			time.Sleep(time.Millisecond)
		}
	}
}

// goroutine is one goroutine of a runtime.Stack dump.
type goroutine struct {
	id    string // "goroutine 17"
	stack string
}

// goroutines returns every goroutine but the caller's.
func goroutines() []goroutine {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []goroutine
	for i, block := range bytes.Split(buf, []byte("\n\n")) {
		if i == 0 {
			continue // the caller's own
		}
		s := string(block)
		id, _, ok := strings.Cut(s, " [")
		if !ok || !strings.HasPrefix(id, "goroutine ") {
			continue
		}
		out = append(out, goroutine{id: id, stack: s})
	}
	return out
}

// ignored reports goroutines that belong to the runtime or the test binary,
// not to what a test checks: signal handling started on first use, and
// the testing package's own.
func ignored(stack string) bool {
	for _, s := range []string{
		"os/signal.signal_recv",
		"os/signal.loop",
		"runtime.ensureSigM",
		"testing.(*M).",
		"testing.runFuzzing",
	} {
		if strings.Contains(stack, s) {
			return true
		}
	}
	return false
}
