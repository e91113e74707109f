package fakekit

import "testing"

func TestLogBoundCountReset(t *testing.T) {
	var l Log[int]
	l.SetMax(10)
	for i := range 25 {
		l.Add([]string{"a", "b"}[i%2], i%3 == 0, i)
	}
	all := l.All()
	if len(all) == 0 || len(all) > 10 {
		t.Fatalf("%d entries, want 1..10", len(all))
	}
	if all[len(all)-1] != 24 {
		t.Errorf("the newest entry is %d, want 24", all[len(all)-1])
	}
	for i := 1; i < len(all); i++ {
		if all[i] != all[i-1]+1 {
			t.Fatalf("entries %v are not the newest in order", all)
		}
	}
	wantA, wantInj, wantAllInj := 0, 0, 0
	for _, i := range all {
		if i%3 == 0 {
			wantAllInj++
		}
		if i%2 == 0 {
			wantA++
			if i%3 == 0 {
				wantInj++
			}
		}
	}
	if total, injected := l.Count(""); total != len(all) || injected != wantAllInj {
		t.Errorf("Count(\"\") = %d, %d; want %d, %d", total, injected, len(all), wantAllInj)
	}
	if a, inj := l.Count("a"); a != wantA || inj != wantInj {
		t.Errorf("Count(a) = %d, %d; want %d, %d", a, inj, wantA, wantInj)
	}
	l.Reset()
	if n := len(l.All()); n != 0 {
		t.Errorf("%d entries after Reset", n)
	}
}

func TestLogDefaultBound(t *testing.T) {
	var l Log[struct{}]
	for range DefaultMaxRequests + 1 {
		l.Add("", false, struct{}{})
	}
	if n := len(l.All()); n > DefaultMaxRequests || n < DefaultMaxRequests*9/10 {
		t.Errorf("%d entries, want at most %d and most of them", n, DefaultMaxRequests)
	}
}
