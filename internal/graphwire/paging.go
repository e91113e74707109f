package graphwire

import (
	"encoding/json"
	"errors"
	"iter"
	"strconv"
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

// AppendCollection appends an OData collection page to dst:
// {"@odata.context":context,"@odata.count":count,"value":value,"@odata.nextLink":next},
// where value is the JSON array of the items, already encoded, and the
// context, the count (when count < 0) and the next link are left out when
// empty. It spares the items a second pass through encoding/json.
func AppendCollection(dst []byte, context string, count int, value []byte, next string) []byte {
	dst = append(dst, '{')
	if context != "" {
		dst = append(dst, `"@odata.context":`...)
		dst = appendJSONString(dst, context)
		dst = append(dst, ',')
	}
	if count >= 0 {
		dst = append(dst, `"@odata.count":`...)
		dst = strconv.AppendInt(dst, int64(count), 10)
		dst = append(dst, ',')
	}
	dst = append(dst, `"value":`...)
	dst = append(dst, value...)
	if next != "" {
		dst = append(dst, `,"@odata.nextLink":`...)
		dst = appendJSONString(dst, next)
	}
	return append(dst, '}')
}

func appendJSONString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return append(dst, b...)
}
