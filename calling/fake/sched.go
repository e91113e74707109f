package fake

import (
	"container/heap"
	"context"
	"time"
)

// job is a timed step of the simulation: a party answering, a ring timing
// out, a scripted hang-up. Its fn runs with sb.mu held, at the job's time
// (not the time it happens to run), so that a test moving a manual clock
// far ahead gets the same sequence as one moving it step by step.
type job struct {
	at       time.Time
	seq      uint64
	fn       func(at time.Time)
	canceled bool
	index    int
}

// cancel stops the job from running. Call with sb.mu held; nil is allowed.
func (j *job) cancel() {
	if j != nil {
		j.canceled = true
	}
}

type jobHeap []*job

func (h jobHeap) Len() int { return len(h) }
func (h jobHeap) Less(i, k int) bool {
	if c := h[i].at.Compare(h[k].at); c != 0 {
		return c < 0
	}
	return h[i].seq < h[k].seq
}
func (h jobHeap) Swap(i, k int) {
	h[i], h[k] = h[k], h[i]
	h[i].index, h[k].index = i, k
}
func (h *jobHeap) Push(x any) {
	j := x.(*job)
	j.index = len(*h)
	*h = append(*h, j)
}
func (h *jobHeap) Pop() any {
	old := *h
	j := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return j
}

// scheduler runs jobs when the switchboard's clock reaches their time. One
// goroutine waits on one clock timer, for the earliest job.
type scheduler struct {
	sb     *Switchboard
	jobs   jobHeap       // guarded by sb.mu
	seq    uint64        // guarded by sb.mu
	passed chan struct{} // guarded by sb.mu; closed and replaced after each pass over the due jobs
	wake   chan struct{}
}

func (s *scheduler) init(sb *Switchboard) {
	s.sb = sb
	s.wake = make(chan struct{}, 1)
	s.passed = make(chan struct{})
}

func (s *scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// due reports whether a job is due at now. Call with sb.mu held.
func (s *scheduler) due(now time.Time) bool {
	for _, j := range s.jobs {
		if !j.canceled && !j.at.After(now) {
			return true
		}
	}
	return false
}

// at schedules fn at t. Call with sb.mu held.
func (s *scheduler) at(t time.Time, fn func(at time.Time)) *job {
	s.seq++
	j := &job{at: t, seq: s.seq, fn: fn}
	heap.Push(&s.jobs, j)
	if s.jobs[0] == j {
		s.poke()
	}
	return j
}

// pending returns the number of jobs not yet run or cancelled. Call with
// sb.mu held.
func (s *scheduler) pending() int {
	n := 0
	for _, j := range s.jobs {
		if !j.canceled {
			n++
		}
	}
	return n
}

// run is the scheduler's goroutine.
func (s *scheduler) run(ctx context.Context) {
	clock := s.sb.clock
	for {
		s.sb.mu.Lock()
		now := clock.Now()
		for len(s.jobs) > 0 && !s.jobs[0].at.After(now) {
			j := heap.Pop(&s.jobs).(*job)
			if !j.canceled && !s.sb.closed {
				j.fn(j.at)
			}
		}
		for len(s.jobs) > 0 && s.jobs[0].canceled {
			heap.Pop(&s.jobs)
		}
		close(s.passed)
		s.passed = make(chan struct{})
		var next time.Time
		has := len(s.jobs) > 0
		if has {
			next = s.jobs[0].at
		}
		s.sb.mu.Unlock()
		if !has {
			select {
			case <-s.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		// Arm a timer for the earliest job. A manual clock may move between
		// reading it and arming the timer, which would make the timer late:
		// re-read and re-arm when it did. (The system clock always moves a
		// little; it moves by far less than the tolerance.)
		n1 := clock.Now()
		t := clock.NewTimer(next.Sub(n1))
		if d := clock.Now().Sub(n1); d > time.Millisecond || d < 0 {
			t.Stop()
			continue
		}
		select {
		case <-t.C():
		case <-s.wake:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}
