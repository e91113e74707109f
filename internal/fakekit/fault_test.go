package fakekit

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestFaultRatioIsExactAndSpread(t *testing.T) {
	var fs Faults
	fs.Inject(Fault{Op: "send", Status: 429, Ratio: 0.3})
	var pattern strings.Builder
	failed, run := 0, 0
	for i := range 1000 {
		f := fs.Take("send")
		if i < 20 {
			pattern.WriteByte(".x"[btoi(f != nil)])
		}
		if f != nil {
			failed++
			run++
			if run > 1 {
				t.Fatalf("two failures in a row at request %d", i)
			}
		} else {
			run = 0
		}
		if fs.Take("get") != nil {
			t.Fatal("the fault applied to another operation")
		}
	}
	if failed != 300 {
		t.Errorf("%d of 1000 failed, want exactly 300", failed)
	}
	if got, want := pattern.String(), "...x..x..x...x..x..x"; got != want {
		t.Errorf("pattern %s, want %s", got, want)
	}
	if fs.Applied() != 300 {
		t.Errorf("Applied = %d", fs.Applied())
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Faults apply in the order they were injected, each Times times (zero:
// once), after letting Skip matching requests through; Clear resets the
// count.
func TestFaultTimesSkipAndOrder(t *testing.T) {
	var fs Faults
	fs.Inject(Fault{Status: 503, Times: 2})
	fs.Inject(Fault{Op: "get", Status: 500})
	fs.Inject(Fault{Op: "list", Status: 502, Skip: 1, Times: 2})
	var got []int
	for _, op := range []string{"get", "list", "get", "get", "list", "list", "list", "list"} {
		if f := fs.Take(op); f != nil {
			got = append(got, f.Status)
		} else {
			got = append(got, 0)
		}
	}
	// get 503, list 503 (used up), get 500 (used up), get -, list skipped,
	// list 502, list 502, list -.
	want := []int{503, 503, 500, 0, 0, 502, 502, 0}
	if !equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	if n := fs.Applied(); n != 5 {
		t.Errorf("Applied = %d, want 5", n)
	}
	fs.Clear()
	if n := fs.Applied(); n != 0 {
		t.Errorf("Applied after Clear = %d", n)
	}
	if fs.Take("get") != nil {
		t.Error("a fault applied after Clear")
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFaultTakeReturnsACopy(t *testing.T) {
	var fs Faults
	fs.Inject(Fault{Status: 500, Times: 2})
	fs.Take("x").Status = 200
	if f := fs.Take("x"); f == nil || f.Status != 500 {
		t.Fatalf("got %+v: changing a taken fault changed the injected one", f)
	}
}

func TestFaultRetryAfterSeconds(t *testing.T) {
	for d, want := range map[time.Duration]int64{0: 0, time.Millisecond: 1, time.Second: 1, 1500 * time.Millisecond: 2, 61500 * time.Millisecond: 62} {
		if got := (&Fault{RetryAfter: d}).RetryAfterSeconds(); got != want {
			t.Errorf("%v: %d, want %d", d, got, want)
		}
	}
}

// Apply says what answers, and runs the operation exactly when the fault
// lets it take effect.
func TestApply(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		f    *Fault
		want Verdict
		ran  bool
	}{
		{"none", nil, Proceed, true},
		{"status", &Fault{Status: 429}, Fail, false},
		{"after processing", &Fault{Status: 504, AfterProcessing: true}, Fail, true},
		{"drop", &Fault{Drop: true}, Drop, false},
		{"drop after processing", &Fault{Drop: true, AfterProcessing: true}, Drop, true},
		{"delay only", &Fault{Delay: time.Millisecond}, Proceed, true},
		{"delay then status", &Fault{Delay: time.Millisecond, Status: 503}, Fail, false},
	}
	for _, c := range cases {
		ran := false
		if got := Apply(ctx, c.f, func() { ran = true }); got != c.want || ran != c.ran {
			t.Errorf("%s: verdict %d, ran %v; want %d, %v", c.name, got, ran, c.want, c.ran)
		}
	}
}

// A held request ends with its context, and the operation does not run.
func TestApplyHoldEndsWithContext(t *testing.T) {
	for _, f := range []*Fault{{Hang: true}, {Delay: time.Hour}, {Hang: true, Status: 500}} {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan Verdict)
		ran := false
		go func() { done <- Apply(ctx, f, func() { ran = true }) }()
		cancel()
		if v := <-done; v != Gone || ran {
			t.Errorf("%+v: verdict %d, ran %v; want Gone without running", f, v, ran)
		}
	}
}
