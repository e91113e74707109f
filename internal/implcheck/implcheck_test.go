package implcheck

import (
	"context"
	"fmt"
	"iter"
	"reflect"
	"testing"
)

type service interface {
	Get(ctx context.Context, id string) (string, error)
	List(ctx context.Context) iter.Seq2[string, error]
	hidden()
}

type complete struct{ service }

func (complete) Get(context.Context, string) (string, error) { return "", nil }
func (complete) List(context.Context) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) { yield("a", nil) }
}

type partial struct{ service } // Get and List reach the nil service

type recorder struct{ errs []string }

func (*recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestEveryMethod(t *testing.T) {
	iface := reflect.TypeFor[service]()
	var r recorder
	EveryMethod(&r, complete{}, iface)
	if len(r.errs) != 0 {
		t.Errorf("a complete implementation: %v", r.errs)
	}
	r = recorder{}
	EveryMethod(&r, partial{}, iface)
	if len(r.errs) != 2 {
		t.Errorf("a partial implementation: %d reports, want 2 (Get, List): %v", len(r.errs), r.errs)
	}
}
