package paging

import (
	"errors"
	"slices"
	"testing"
)

func TestItems(t *testing.T) {
	pages := map[string]struct {
		items []int
		next  string
	}{"": {[]int{1, 2}, "p2"}, "p2": {[]int{3}, "p3"}, "p3": {nil, ""}}
	fetch := func(link string) ([]int, string, error) { p := pages[link]; return p.items, p.next, nil }
	var got []int
	for v, err := range Items("", fetch) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if !slices.Equal(got, []int{1, 2, 3}) {
		t.Errorf("items %v", got)
	}
	got = nil
	for v := range Items("p2", fetch) {
		got = append(got, v)
	}
	if !slices.Equal(got, []int{3}) {
		t.Errorf("items from p2: %v", got)
	}

	calls := 0
	var last error
	for _, err := range Items("", func(string) ([]int, string, error) { calls++; return []int{1}, "same", nil }) {
		last = err
	}
	if !errors.Is(last, ErrLoop) || calls != 2 {
		t.Errorf("a repeated link: %v after %d pages", last, calls)
	}

	calls = 0
	for range Items("", func(string) ([]int, string, error) { calls++; return []int{1, 2, 3}, "more", nil }) {
		break
	}
	if calls != 1 {
		t.Errorf("stopping early fetched %d pages", calls)
	}

	boom := errors.New("boom")
	var errs []error
	for _, err := range Items("", func(string) ([]int, string, error) { return nil, "", boom }) {
		errs = append(errs, err)
	}
	if len(errs) != 1 || errs[0] != boom {
		t.Errorf("a failed page yields %v", errs)
	}
}
