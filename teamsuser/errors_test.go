package teamsuser_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// TestOneArgumentErrorShape: the five packages that check arguments report
// them with ArgumentErrors of the same fields, the same text
// ("<pkg>: invalid <Arg>: <Problem>") and the same Unwrap.
func TestOneArgumentErrorShape(t *testing.T) {
	sentinel := errors.New("sentinel")
	errs := map[string]error{
		"identity":     &identity.ArgumentError{Arg: "opts.X", Problem: "is wrong", Err: sentinel},
		"chat":         &chat.ArgumentError{Arg: "opts.X", Problem: "is wrong", Err: sentinel},
		"calling":      &calling.ArgumentError{Arg: "opts.X", Problem: "is wrong", Err: sentinel},
		"teamsuser":    &teamsuser.ArgumentError{Arg: "opts.X", Problem: "is wrong", Err: sentinel},
		"tokenservice": &tokenservice.ArgumentError{Arg: "opts.X", Problem: "is wrong", Err: sentinel},
	}
	fields := func(err error) []string {
		var out []string
		typ := reflect.TypeOf(err).Elem()
		for i := range typ.NumField() {
			f := typ.Field(i)
			out = append(out, f.Name+" "+f.Type.String())
		}
		return out
	}
	want := fields(errs["identity"])
	for pkg, err := range errs {
		if got := fields(err); !reflect.DeepEqual(got, want) {
			t.Errorf("%s.ArgumentError has fields %v, identity's %v", pkg, got, want)
		}
		if got := err.Error(); got != pkg+": invalid opts.X: is wrong" {
			t.Errorf("%s.ArgumentError text %q", pkg, got)
		}
		if !errors.Is(err, sentinel) {
			t.Errorf("%s.ArgumentError does not unwrap to its Err", pkg)
		}
	}
}

// helpers is the set of error helpers that identity, chat and calling each
// export; the literals below fail to compile when a package lacks one.
type helpers struct {
	ErrorCode       func(error) string
	StatusCode      func(error) int
	RetryAfter      func(error) time.Duration
	ClientRequestID func(error) string
	IsBadRequest    func(error) bool
	IsUnauthorized  func(error) bool
	IsForbidden     func(error) bool
	IsNotFound      func(error) bool
	IsConflict      func(error) bool
	IsThrottled     func(error) bool
}

var packageHelpers = map[string]helpers{
	"identity": {identity.ErrorCode, identity.StatusCode, identity.RetryAfter, identity.ClientRequestID,
		identity.IsBadRequest, identity.IsUnauthorized, identity.IsForbidden, identity.IsNotFound, identity.IsConflict, identity.IsThrottled},
	"chat": {chat.ErrorCode, chat.StatusCode, chat.RetryAfter, chat.ClientRequestID,
		chat.IsBadRequest, chat.IsUnauthorized, chat.IsForbidden, chat.IsNotFound, chat.IsConflict, chat.IsThrottled},
	"calling": {calling.ErrorCode, calling.StatusCode, calling.RetryAfter, calling.ClientRequestID,
		calling.IsBadRequest, calling.IsUnauthorized, calling.IsForbidden, calling.IsNotFound, calling.IsConflict, calling.IsThrottled},
}

// TestFakesFailuresReadByEveryPackagesHelpers: the Go face of each fake
// fails as the service would, with an error that is (or wraps) an
// *azcore.ResponseError, and the helpers of every package read it alike:
// a 404 for a missing item, and an injected 429 with its Retry-After.
func TestFakesFailuresReadByEveryPackagesHelpers(t *testing.T) {
	ctx := context.Background()
	ids := fake.New(nil)
	graph, cast := chatfake.NewSeeded(nil)
	t.Cleanup(func() { _ = graph.Close() })
	sb := callfake.New(nil)
	t.Cleanup(func() { _ = sb.Close() })
	missingUser := identity.CommunicationUserIdentifier{ID: "8:acs:00000000-0000-0000-0000-000000000001_00000000-0000-0000-0000-000000000002"}

	failures := map[string]func(throttled bool) error{
		"identity/fake": func(throttled bool) error {
			if throttled {
				ids.InjectFault(fake.Fault{Status: http.StatusTooManyRequests, RetryAfter: 7 * time.Second, Times: 1})
			}
			_, err := ids.GetUser(ctx, missingUser, nil)
			return err
		},
		"chat/fake": func(throttled bool) error {
			if throttled {
				graph.InjectFault(chatfake.Fault{Status: http.StatusTooManyRequests, RetryAfter: 7 * time.Second, Times: 1})
			}
			_, err := graph.As(cast.Alice.ID).GetChat(ctx, "19:missing@thread.v2", nil)
			return err
		},
		"calling/fake": func(throttled bool) error {
			if throttled {
				sb.InjectFault(callfake.Fault{Status: http.StatusTooManyRequests, RetryAfter: 7 * time.Second, Times: 1})
			}
			_, err := sb.GetCall(ctx, "missing-call", nil)
			return err
		},
	}
	for face, fail := range failures {
		for _, throttled := range []bool{false, true} {
			err := fail(throttled)
			what := fmt.Sprintf("%s (throttled %v): %v", face, throttled, err)
			var re *azcore.ResponseError
			if !errors.As(err, &re) {
				t.Errorf("%s: not an *azcore.ResponseError", what)
				continue
			}
			for pkg, h := range packageHelpers {
				status, retry := http.StatusNotFound, time.Duration(0)
				if throttled {
					status, retry = http.StatusTooManyRequests, 7*time.Second
				}
				if h.StatusCode(err) != status || h.IsNotFound(err) != !throttled || h.IsThrottled(err) != throttled {
					t.Errorf("%s: %s.StatusCode %d, IsNotFound %v, IsThrottled %v; want %d", what, pkg, h.StatusCode(err), h.IsNotFound(err), h.IsThrottled(err), status)
				}
				if h.IsBadRequest(err) || h.IsUnauthorized(err) || h.IsForbidden(err) || h.IsConflict(err) {
					t.Errorf("%s: %s classifies it as another status", what, pkg)
				}
				if got := h.RetryAfter(err); got != retry {
					t.Errorf("%s: %s.RetryAfter %v, want %v", what, pkg, got, retry)
				}
				if got := h.ErrorCode(err); got != re.ErrorCode || got == "" {
					t.Errorf("%s: %s.ErrorCode %q, the ResponseError's %q", what, pkg, got, re.ErrorCode)
				}
			}
		}
	}
	for pkg, h := range packageHelpers {
		arg := &chat.ArgumentError{Arg: "chatID", Problem: "is empty"}
		if h.StatusCode(arg) != 0 || h.ErrorCode(arg) != "" || h.RetryAfter(arg) != 0 || h.ClientRequestID(arg) != "" || h.IsNotFound(arg) {
			t.Errorf("%s's helpers read an argument error as a failed answer", pkg)
		}
	}
}
