// Package implcheck checks that an implementation of one of the module's
// Service interfaces implements every method itself. The interfaces can be
// implemented outside their package only by embedding one (DESIGN.md,
// "Extending the interfaces"), so the fakes embed a nil Service: a method
// a fake forgot compiles, and panics when called. EveryMethod calls them
// all.
package implcheck

import (
	"context"
	"reflect"

	"github.com/teamsuser-sdk/teamsuser-go/internal/tracetest"
)

// TB is the part of testing.TB that EveryMethod uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// EveryMethod calls each exported method of the interface type iface on v
// (which implements it) once, with a background context and zero values
// for the other arguments, ranging over an iterator to its end, and
// reports each method that panics: one that v does not implement itself
// reaches the nil Service it embeds. Zero arguments are bad input, which
// every method must refuse with an error, never a panic.
func EveryMethod(t TB, v any, iface reflect.Type) {
	t.Helper()
	typ := reflect.TypeOf(v)
	for i := range iface.NumMethod() {
		im := iface.Method(i)
		if !im.IsExported() {
			continue
		}
		m, ok := typ.MethodByName(im.Name)
		if !ok {
			t.Errorf("%v has no method %s", typ, im.Name)
			continue
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%v.%s panics (is it the embedded nil Service's?): %v", typ, im.Name, r)
				}
			}()
			_ = tracetest.Call(context.Background(), v, m, nil)
		}()
	}
}
