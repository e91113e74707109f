package leakcheck

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// recorder is a testing.TB that keeps what Errorf says.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func blockedHere(stop chan struct{}, done chan struct{}) {
	defer close(done)
	<-stop
}

// TestStart: a goroutine started after Start and still blocked at check is
// reported with its stack; one that was stopped before check is not; nor
// are goroutines that were there before Start.
func TestStart(t *testing.T) {
	defer func(g time.Duration) { grace = g }(grace)
	grace = 50 * time.Millisecond

	old, oldDone := make(chan struct{}), make(chan struct{})
	go blockedHere(old, oldDone)
	defer func() { close(old); <-oldDone }()

	r := &recorder{TB: t}
	check := Start(r)
	stop, done := make(chan struct{}), make(chan struct{})
	go blockedHere(stop, done)
	check()
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "1 goroutine(s)") || !strings.Contains(r.errs[0], "leakcheck.blockedHere") {
		t.Fatalf("a leaked goroutine was not reported as one: %q", r.errs)
	}
	close(stop)
	<-done

	r = &recorder{TB: t}
	check = Start(r)
	stop, done = make(chan struct{}), make(chan struct{})
	go blockedHere(stop, done)
	close(stop)
	<-done // stopped and waited for, as an owner's Close does
	check()
	if len(r.errs) != 0 {
		t.Fatalf("a goroutine that ended was reported: %q", r.errs)
	}
}
