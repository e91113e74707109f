// Package tracetest records the spans that the module's clients start
// through azcore's tracing (azcore.ClientOptions.TracingProvider), so that
// tests can check that every public operation is one span. It needs no
// OpenTelemetry: the provider is azcore's tracing.NewProvider over a
// function that records.
package tracetest

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/tracing"
)

// Span is a span as a Recorder saw it.
type Span struct {
	// Tracer is the name the client gave its tracer (its module).
	Tracer string
	// Name is the span's name: "Client.CreateUser" for an operation,
	// "HTTP POST" for azcore's span of one HTTP try.
	Name string
	// Kind is SpanKindInternal for an operation, SpanKindClient for an
	// HTTP try.
	Kind tracing.SpanKind
	// Parent is the index in Spans of the span this one was started
	// under, -1 for a root span.
	Parent int
	// Attributes are those given at the start and set later.
	Attributes []tracing.Attribute
	// Status and Description are the last SetStatus; an operation that
	// failed has SpanStatusError and the error's text.
	Status      tracing.SpanStatus
	Description string
	// Ended reports whether End was called.
	Ended bool
}

// Attribute returns the value of the attribute key, or nil.
func (s Span) Attribute(key string) any {
	for i := len(s.Attributes) - 1; i >= 0; i-- {
		if s.Attributes[i].Key == key {
			return s.Attributes[i].Value
		}
	}
	return nil
}

// Recorder records spans. It is safe for concurrent use.
type Recorder struct {
	mu    sync.Mutex
	spans []*Span
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{} }

type parentKey struct{}

// Provider returns a TracingProvider for azcore.ClientOptions whose tracers
// record into r.
func (r *Recorder) Provider() tracing.Provider {
	return tracing.NewProvider(func(name, _ string) tracing.Tracer {
		return tracing.NewTracer(func(ctx context.Context, spanName string, o *tracing.SpanOptions) (context.Context, tracing.Span) {
			s := &Span{Tracer: name, Name: spanName, Parent: -1}
			if o != nil {
				s.Kind = o.Kind
				s.Attributes = slices.Clone(o.Attributes)
			}
			if p, ok := ctx.Value(parentKey{}).(int); ok {
				s.Parent = p
			}
			r.mu.Lock()
			r.spans = append(r.spans, s)
			id := len(r.spans) - 1
			r.mu.Unlock()
			return context.WithValue(ctx, parentKey{}, id), tracing.NewSpan(tracing.SpanImpl{
				End: func() {
					r.mu.Lock()
					defer r.mu.Unlock()
					s.Ended = true
				},
				SetAttributes: func(a ...tracing.Attribute) {
					r.mu.Lock()
					defer r.mu.Unlock()
					s.Attributes = append(s.Attributes, a...)
				},
				SetStatus: func(code tracing.SpanStatus, desc string) {
					r.mu.Lock()
					defer r.mu.Unlock()
					s.Status, s.Description = code, desc
				},
			})
		}, nil)
	}, nil)
}

// Spans returns a copy of the spans recorded so far, in start order.
func (r *Recorder) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Span, len(r.spans))
	for i, s := range r.spans {
		out[i] = *s
		out[i].Attributes = slices.Clone(s.Attributes)
	}
	return out
}

// Reset forgets the spans recorded so far.
func (r *Recorder) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.spans = nil
}

var (
	ctxType   = reflect.TypeFor[context.Context]()
	errorType = reflect.TypeFor[error]()
)

// Operations returns the exported methods of v's type whose first parameter
// is a context.Context: the operations of a client, in name order.
func Operations(v any) []reflect.Method {
	t := reflect.TypeOf(v)
	var ops []reflect.Method
	for i := range t.NumMethod() {
		m := t.Method(i)
		if m.Type.NumIn() > 1 && m.Type.In(1) == ctxType {
			ops = append(ops, m)
		}
	}
	return ops
}

// IsIterator reports whether method m returns an iter.Seq2[T, error] (a
// listing that fetches pages as it is ranged over).
func IsIterator(m reflect.Method) bool {
	if m.Type.NumOut() != 1 {
		return false
	}
	out := m.Type.Out(0)
	return out.Kind() == reflect.Func && out.NumIn() == 1 && out.NumOut() == 0 &&
		out.PkgPath() == "iter" && strings.HasPrefix(out.Name(), "Seq2[") && out.In(0).NumIn() == 2 && out.In(0).In(1) == errorType
}

// Call calls operation m of v with ctx and, for each further parameter,
// arg(its type) (nil arg: zero values). An iterator is ranged over to its
// end. Call returns the error the operation returned or the sequence
// yielded first, if any.
func Call(ctx context.Context, v any, m reflect.Method, arg func(reflect.Type) reflect.Value) error {
	in := []reflect.Value{reflect.ValueOf(v), reflect.ValueOf(ctx)}
	for i := 2; i < m.Type.NumIn(); i++ {
		t := m.Type.In(i)
		a := reflect.Value{}
		if arg != nil {
			a = arg(t)
		}
		if !a.IsValid() {
			a = reflect.Zero(t)
		}
		in = append(in, a)
	}
	out := m.Func.Call(in)
	if IsIterator(m) {
		var first error
		seq := out[0]
		yield := reflect.MakeFunc(seq.Type().In(0), func(args []reflect.Value) []reflect.Value {
			if e, _ := args[1].Interface().(error); e != nil && first == nil {
				first = e
			}
			return []reflect.Value{reflect.ValueOf(true)}
		})
		seq.Call([]reflect.Value{yield})
		return first
	}
	if last := out[len(out)-1]; last.Type() == errorType {
		e, _ := last.Interface().(error)
		return e
	}
	return nil
}

// TB is the part of testing.TB that CheckOperations uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Options adjust CheckOperations.
type Options struct {
	// SpanType is the first part of the expected span names, "Client"
	// unless set: CheckOperations wants the span of method M named
	// "<SpanType>.M", and that of an iterator M (each page it fetches)
	// "<SpanType>.MPage".
	SpanType string
	// Arg gives the value of a parameter of the given type; nil, or an
	// invalid Value, means the zero value.
	Arg func(reflect.Type) reflect.Value
	// Before, if set, runs before each operation (to reset a test server).
	Before func(method string)
}

// CheckOperations calls every operation of client (see Operations) once
// with a background context and checks what rec recorded for it: exactly
// one operation span (one not of kind SpanKindClient) with the expected
// name, ended, whose status is SpanStatusError if and only if the operation
// failed, and under which every HTTP span of the call was started. So a
// method added to a client without its span fails the test that calls
// CheckOperations. It returns the spans of each operation by method name.
func CheckOperations(t TB, rec *Recorder, client any, o *Options) map[string][]Span {
	t.Helper()
	if o == nil {
		o = &Options{}
	}
	typ := o.SpanType
	if typ == "" {
		typ = "Client"
	}
	ops := Operations(client)
	if len(ops) == 0 {
		t.Fatalf("%T has no operations", client)
	}
	all := map[string][]Span{}
	for _, m := range ops {
		want := typ + "." + m.Name
		if IsIterator(m) {
			want += "Page"
		}
		if o.Before != nil {
			o.Before(m.Name)
		}
		rec.Reset()
		err := Call(context.Background(), client, m, o.Arg)
		spans := rec.Spans()
		all[m.Name] = spans
		var op []int
		for i, s := range spans {
			if s.Kind != tracing.SpanKindClient {
				op = append(op, i)
			}
		}
		if len(op) != 1 {
			names := make([]string, len(op))
			for i, j := range op {
				names[i] = spans[j].Name
			}
			t.Errorf("%T.%s: %d operation spans %q, want one named %q", client, m.Name, len(op), names, want)
			continue
		}
		s := spans[op[0]]
		if s.Name != want {
			t.Errorf("%T.%s: span %q, want %q", client, m.Name, s.Name, want)
		}
		if !s.Ended {
			t.Errorf("%T.%s: span %q not ended", client, m.Name, s.Name)
		}
		switch {
		case err != nil && s.Status != tracing.SpanStatusError:
			t.Errorf("%T.%s failed (%v) but its span's status is %v", client, m.Name, err, s.Status)
		case err == nil && s.Status == tracing.SpanStatusError:
			t.Errorf("%T.%s succeeded but its span records an error: %s", client, m.Name, s.Description)
		}
		for _, h := range spans {
			if h.Kind == tracing.SpanKindClient && h.Parent != op[0] {
				t.Errorf("%T.%s: HTTP span %q is not a child of the operation's span", client, m.Name, h.Name)
			}
		}
	}
	return all
}

// ClientRequestIDs returns the x-ms-client-request-id of each HTTP try in
// spans (azcore's span of a try records it as az.client_request_id), ""
// for a try that carried none.
func ClientRequestIDs(spans map[string][]Span) []string {
	var ids []string
	for _, ss := range spans {
		for _, s := range ss {
			if s.Kind == tracing.SpanKindClient {
				id, _ := s.Attribute("az.client_request_id").(string)
				ids = append(ids, id)
			}
		}
	}
	return ids
}
