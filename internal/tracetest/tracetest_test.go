package tracetest_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/tracing"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/internal/tracetest"
)

// base is a tiny azcore client over a loopback server answering 200.
type base struct {
	az  *azcore.Client
	url string
}

func newBase(t *testing.T, rec *tracetest.Recorder) base {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(srv.Close)
	az, err := azcore.NewClient("tracetest", "v0.0.1", runtime.PipelineOptions{}, &azcore.ClientOptions{TracingProvider: rec.Provider()})
	require.NoError(t, err)
	return base{az: az, url: srv.URL}
}

func (b base) span(ctx context.Context, name string) (context.Context, func(error)) {
	return runtime.StartSpan(ctx, name, b.az.Tracer(), nil)
}

func (b base) get(ctx context.Context) error {
	req, err := runtime.NewRequest(ctx, http.MethodGet, b.url)
	if err != nil {
		return err
	}
	resp, err := b.az.Pipeline().Do(req)
	if err != nil {
		return err
	}
	runtime.Drain(resp)
	return nil
}

// good is traced as the module's clients are.
type good struct{ base }

func (c good) Get(ctx context.Context, fail bool) (err error) {
	ctx, end := c.span(ctx, "Client.Get")
	defer func() { end(err) }()
	if fail {
		return errors.New("bad argument")
	}
	return c.get(ctx)
}

func (c good) ListPage(ctx context.Context, n int) (_ []int, err error) {
	ctx, end := c.span(ctx, "Client.ListPage")
	defer func() { end(err) }()
	return []int{n, n + 1}, c.get(ctx)
}

func (c good) List(ctx context.Context, n int) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		p, err := c.ListPage(ctx, n)
		if err != nil {
			yield(0, err)
			return
		}
		for _, v := range p {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// Name is not an operation (no context).
func (c good) Name() string { return "good" }

// bad has one fault of each kind.
type bad struct{ base }

func (c bad) Untraced(ctx context.Context) error { return c.get(ctx) }

func (c bad) Twice(ctx context.Context) (err error) {
	_, end1 := c.span(ctx, "Client.Twice")
	defer func() { end1(err) }()
	ctx, end2 := c.span(context.Background(), "Client.Twice")
	defer func() { end2(err) }()
	return c.get(ctx)
}

func (c bad) Misnamed(ctx context.Context) (err error) {
	ctx, end := c.span(ctx, "client misnamed")
	defer func() { end(err) }()
	return c.get(ctx)
}

func (c bad) Unrecorded(ctx context.Context) error {
	_, end := c.span(ctx, "Client.Unrecorded")
	end(nil)
	return errors.New("failed")
}

func (c bad) Unended(ctx context.Context) error {
	c.span(ctx, "Client.Unended")
	return nil
}

// errs collects what CheckOperations reports.
type errs struct{ msgs []string }

func (e *errs) Helper() {}
func (e *errs) Errorf(format string, args ...any) {
	e.msgs = append(e.msgs, fmt.Sprintf(format, args...))
}
func (e *errs) Fatalf(format string, args ...any) { e.Errorf(format, args...) }

func TestCheckOperationsPasses(t *testing.T) {
	rec := tracetest.NewRecorder()
	c := good{newBase(t, rec)}
	var e errs
	spans := tracetest.CheckOperations(&e, rec, c, &tracetest.Options{
		Arg: func(t reflect.Type) reflect.Value {
			if t.Kind() == reflect.Int {
				return reflect.ValueOf(7)
			}
			return reflect.Value{}
		},
	})
	require.Empty(t, e.msgs)
	require.Len(t, spans, 3, "Get, List, ListPage; Name is not an operation")
	get := spans["Get"]
	require.Len(t, get, 2, "the operation and azcore's HTTP span")
	require.Equal(t, "tracetest", get[0].Tracer)
	require.Equal(t, tracing.SpanKindInternal, get[0].Kind)
	require.Equal(t, "HTTP GET", get[1].Name)
	require.Equal(t, 0, get[1].Parent)
	require.Equal(t, 200, get[1].Attribute("http.status_code"))
	require.Equal(t, "Client.ListPage", spans["List"][0].Name)
	require.Equal(t, []string{"", "", ""}, tracetest.ClientRequestIDs(spans), "this client sends no request ids")
}

func TestCheckOperationsFails(t *testing.T) {
	rec := tracetest.NewRecorder()
	var e errs
	tracetest.CheckOperations(&e, rec, bad{newBase(t, rec)}, nil)
	text := strings.Join(e.msgs, "\n")
	for _, want := range []string{
		"bad.Untraced: 0 operation spans",
		"bad.Twice: 2 operation spans",
		`bad.Misnamed: span "client misnamed", want "Client.Misnamed"`,
		"bad.Unrecorded failed (failed) but its span's status",
		`bad.Unended: span "Client.Unended" not ended`,
	} {
		require.Contains(t, text, want)
	}
}

func TestCheckOperationsFailedStatus(t *testing.T) {
	rec := tracetest.NewRecorder()
	c := good{newBase(t, rec)}
	m, ok := reflect.TypeOf(c).MethodByName("Get")
	require.True(t, ok)
	err := tracetest.Call(context.Background(), c, m, func(reflect.Type) reflect.Value { return reflect.ValueOf(true) })
	require.EqualError(t, err, "bad argument")
	s := rec.Spans()
	require.Len(t, s, 1)
	require.Equal(t, tracing.SpanStatusError, s[0].Status)
	require.Contains(t, s[0].Description, "bad argument")
}
