// Package paging turns the page-level listings of chat and calling into Go
// iterators of items, one way for both: a Service's ListXxx iterates what
// its ListXxxPage reads, page after page, each page named by the NextLink
// of the one before.
package paging

import (
	"errors"
	"iter"
)

// ErrLoop reports a service that answered a page with the link of that
// same page, which would make a listing loop forever.
var ErrLoop = errors.New("the service answered with the same next link twice; the listing stopped")

// Items turns a page reader into an iterator of items. fetch reads the
// page at link (first for the first page, "" meaning the listing's start)
// and returns its items and the next link ("" on the last page). The
// iterator stops after the last page, at the first error (yielded once,
// with the zero item), or when the consumer stops.
func Items[T any](first string, fetch func(link string) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		link := first
		for {
			items, next, err := fetch(link)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for i := range items {
				if !yield(items[i], nil) {
					return
				}
			}
			if next == "" {
				return
			}
			if next == link {
				var zero T
				yield(zero, ErrLoop)
				return
			}
			link = next
		}
	}
}
