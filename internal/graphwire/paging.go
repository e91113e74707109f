package graphwire

import (
	"errors"
	"iter"
)

// ErrPagingLoop reports a service that answered a page with the link of the
// same page, which would make a listing loop forever.
var ErrPagingLoop = errors.New("graphwire: the next page link repeats the current one")

// Pages turns a page reader into an iterator of items. fetch reads the page
// at link ("" for the first page) and returns its items and the next link
// ("" on the last page). The iterator stops after the last page, at the
// first error (yielded once, with the zero item), or when the consumer
// stops.
func Pages[T any](first string, fetch func(link string) ([]T, string, error)) iter.Seq2[T, error] {
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
				yield(zero, ErrPagingLoop)
				return
			}
			link = next
		}
	}
}
