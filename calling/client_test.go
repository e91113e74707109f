package calling_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
)

const callback = "https://app.contoso.com/callback"

var (
	teamsUser = identity.MicrosoftTeamsUserIdentifier{UserID: "8e9b4a2c-1f0d-4e55-9f3a-2b7c6d1e0f11"}
	phone     = identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}
	acsUser   = identity.CommunicationUserIdentifier{ID: "8:acs:b9614373-fd0b-480c-8fd2-cb58b70eab9f_0f50d091-5bd3-448b-884d-44be7037d9b9"}
	teamsApp  = identity.MicrosoftTeamsAppIdentifier{AppID: "45ab2481-1c1c-4005-be24-0ffb879b1130", Cloud: identity.CloudPublic}
	callerID  = &identity.PhoneNumberIdentifier{PhoneNumber: "+18005550100"}
)

const connectionBody = `{"callConnectionId":"c1","serverCallId":"s1","callConnectionState":"connecting","callbackUri":"https://app.contoso.com/callback"}`

// TestRepeatabilityRetry proves that a retried POST resends the same
// Repeatability-Request-ID and Repeatability-First-Sent: the server fails
// the first attempt with 503 and checks the second against it.
func TestRepeatabilityRetry(t *testing.T) {
	ops := []struct {
		name string
		ok   reply
		run  func(ctx context.Context, c *calling.Client) error
	}{
		{"CreateCall", reply{status: 201, body: connectionBody}, func(ctx context.Context, c *calling.Client) error {
			_, err := c.CreateCall(ctx, []identity.Identifier{teamsUser}, callback, nil)
			return err
		}},
		{"AnswerCall", reply{status: 200, body: connectionBody}, func(ctx context.Context, c *calling.Client) error {
			_, err := c.AnswerCall(ctx, "incoming-context", callback, nil)
			return err
		}},
		{"AddParticipant", reply{status: 202, body: `{"invitationId":"i1"}`}, func(ctx context.Context, c *calling.Client) error {
			_, err := c.AddParticipant(ctx, "c1", phone, &calling.AddParticipantOptions{SourceCallerID: callerID})
			return err
		}},
		{"TransferToParticipant", reply{status: 202, body: `{}`}, func(ctx context.Context, c *calling.Client) error {
			_, err := c.TransferToParticipant(ctx, "c1", teamsUser, nil)
			return err
		}},
		{"TerminateCall", reply{status: 204}, func(ctx context.Context, c *calling.Client) error {
			_, err := c.TerminateCall(ctx, "c1", nil)
			return err
		}},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			rec := newRecorder(t)
			var mu sync.Mutex
			var first callwire.Repeatability
			rec.handle = func(s seen) reply {
				mu.Lock()
				defer mu.Unlock()
				r, err := callwire.ParseRepeatability(s.Header)
				if err != nil {
					return reply{status: 400, body: `{"error":{"code":"BadRepeatability","message":"` + err.Error() + `"}}`}
				}
				if first.RequestID == "" {
					first = r
					return reply{status: 503, body: `{"error":{"code":"ServiceUnavailable","message":"try again"}}`}
				}
				if r != first {
					return reply{status: 409, body: `{"error":{"code":"RepeatabilityChanged","message":"the retry changed the repeatability pair"}}`}
				}
				return op.ok
			}
			// A clock that moves: the retry must not re-read it.
			c := newTestClient(t, rec.srv.URL, func(o *calling.ClientOptions) {
				o.Retry = policy.RetryOptions{MaxRetries: 2, RetryDelay: time.Millisecond, MaxRetryDelay: time.Millisecond}
				o.Clock = tickingClock{fake.NewClock(fixedNow)}
			})
			require.NoError(t, op.run(context.Background(), c))
			reqs := rec.requests()
			require.Len(t, reqs, 2, "one failure, one retry")
			require.Equal(t, reqs[0].Header.Get(callwire.HeaderRepeatabilityRequestID), reqs[1].Header.Get(callwire.HeaderRepeatabilityRequestID))
			require.Equal(t, reqs[0].Header.Get(callwire.HeaderRepeatabilityFirstSent), reqs[1].Header.Get(callwire.HeaderRepeatabilityFirstSent))
			require.Equal(t, reqs[0].Body, reqs[1].Body)
			for _, s := range reqs {
				require.NoError(t, s.AuthErr, "each attempt is signed afresh")
			}

			// The next call is a new request: a new id.
			mu.Lock()
			first = callwire.Repeatability{}
			mu.Unlock()
			require.NoError(t, op.run(context.Background(), c))
			reqs = rec.requests()
			require.NotEqual(t, reqs[0].Header.Get(callwire.HeaderRepeatabilityRequestID), reqs[2].Header.Get(callwire.HeaderRepeatabilityRequestID))
		})
	}
}

func TestHangUpLeavesTerminateEnds(t *testing.T) {
	rec := newRecorder(t)
	rec.queue(reply{status: 204}, reply{status: 204})
	conn := newTestClient(t, rec.srv.URL, nil).CallConnection("call/1:x")
	_, err := conn.HangUp(context.Background(), nil)
	require.NoError(t, err)
	_, err = conn.TerminateCall(context.Background(), nil)
	require.NoError(t, err)
	reqs := rec.requests()
	require.Equal(t, "DELETE", reqs[0].Method)
	require.Equal(t, "/calling/callConnections/call%2F1%3Ax", reqs[0].Path, "the id is one escaped segment")
	require.Empty(t, reqs[0].Header.Get(callwire.HeaderRepeatabilityRequestID))
	require.Equal(t, "POST", reqs[1].Method)
	require.Equal(t, "/calling/callConnections/call%2F1%3Ax:terminate", reqs[1].Path)
	require.NotEmpty(t, reqs[1].Header.Get(callwire.HeaderRepeatabilityRequestID))
}

func TestIncomingCalls(t *testing.T) {
	rec := newRecorder(t)
	rec.queue(reply{status: 204}, reply{status: 204}, reply{status: 204})
	c := newTestClient(t, rec.srv.URL, nil)
	ctx := context.Background()
	_, err := c.RedirectCall(ctx, "ctx-1", teamsUser, nil)
	require.NoError(t, err)
	_, err = c.RedirectCall(ctx, "ctx-2", phone, nil)
	require.NoError(t, err)
	_, err = c.RejectCall(ctx, "ctx-3", &calling.RejectCallOptions{Reason: calling.RejectReasonBusy})
	require.NoError(t, err)
	reqs := rec.requests()
	var r1, r2 callwire.RedirectCallRequest
	require.NoError(t, json.Unmarshal(reqs[0].Body, &r1))
	require.NoError(t, json.Unmarshal(reqs[1].Body, &r2))
	require.Equal(t, "ctx-1", r1.IncomingCallContext)
	d1, err := identity.UnmarshalIdentifier(r1.Target)
	require.NoError(t, err)
	require.True(t, identity.Equal(teamsUser, d1))
	d2, err := identity.UnmarshalIdentifier(r2.Target)
	require.NoError(t, err)
	require.True(t, identity.Equal(phone, d2))
	require.JSONEq(t, `{"incomingCallContext":"ctx-3","callRejectReason":"busy"}`, string(reqs[2].Body))
}

func TestCallbackURLs(t *testing.T) {
	for _, u := range []string{"https://app.contoso.com/cb?token=x", "http://127.0.0.1:8080/cb", "http://localhost/cb", "http://[::1]:9/cb"} {
		require.NoError(t, callwire.CheckCallbackURL(u, true), u)
	}
	for _, u := range []string{"", "http://app.contoso.com/cb", "ftp://127.0.0.1/cb", "/relative", "https://", "https://user:pw@app.contoso.com/", "https://app.contoso.com/cb#frag", "https://app.contoso.com/%zz"} {
		require.Error(t, callwire.CheckCallbackURL(u, true), u)
	}
	require.NoError(t, callwire.CheckCallbackURL("https://app.contoso.com/cb", false))
	require.Error(t, callwire.CheckCallbackURL("http://127.0.0.1:8080/cb", false))
}

// TestArgumentErrors checks that bad input is refused with an
// *ArgumentError before anything is sent, and that the error text names the
// argument without repeating its value.
func TestArgumentErrors(t *testing.T) {
	rec := newRecorder(t)
	c := newTestClient(t, rec.srv.URL, nil)
	ctx := context.Background()
	secretURL := "http://app.contoso.com/cb?token=s3cr3t-value"
	cases := []struct {
		name string
		arg  string
		run  func() error
		is   error
	}{
		{"no targets", "targets", func() error { _, err := c.CreateCall(ctx, nil, callback, nil); return err }, nil},
		{"nil target", "targets[1]", func() error {
			_, err := c.CreateCall(ctx, []identity.Identifier{teamsUser, nil}, callback, nil)
			return err
		}, nil},
		{"nil pointer target", "targets[0]", func() error {
			_, err := c.CreateCall(ctx, []identity.Identifier{(*identity.PhoneNumberIdentifier)(nil)}, callback, nil)
			return err
		}, nil},
		{"teams user without id", "targets[0]", func() error {
			_, err := c.CreateCall(ctx, []identity.Identifier{identity.MicrosoftTeamsUserIdentifier{}}, callback, nil)
			return err
		}, nil},
		{"phone target without caller id", "opts.SourceCallerID", func() error {
			_, err := c.CreateCall(ctx, []identity.Identifier{teamsUser, phone}, callback, nil)
			return err
		}, calling.ErrMissingCallerID},
		{"phone target not e164", "targets[0]", func() error {
			_, err := c.CreateCall(ctx, []identity.Identifier{identity.PhoneNumberIdentifier{PhoneNumber: "425 555 0123"}}, callback, &calling.CreateCallOptions{SourceCallerID: callerID})
			return err
		}, nil},
		{"caller id not e164", "opts.SourceCallerID", func() error {
			_, err := c.CreateCall(ctx, []identity.Identifier{phone}, callback, &calling.CreateCallOptions{SourceCallerID: &identity.PhoneNumberIdentifier{PhoneNumber: "anonymous"}})
			return err
		}, nil},
		{"http callback", "callbackURL", func() error {
			_, err := c.CreateCall(ctx, []identity.Identifier{teamsUser}, secretURL, nil)
			return err
		}, nil},
		{"empty callback", "callbackURL", func() error { _, err := c.CreateCall(ctx, []identity.Identifier{teamsUser}, "", nil); return err }, nil},
		{"media streaming without channel type", "opts.MediaStreaming.AudioChannelType", func() error {
			_, err := c.CreateCall(ctx, []identity.Identifier{teamsUser}, callback, &calling.CreateCallOptions{MediaStreaming: &calling.MediaStreamingOptions{}})
			return err
		}, nil},
		{"transcription without locale", "opts.Transcription.Locale", func() error {
			_, err := c.AnswerCall(ctx, "ctx", callback, &calling.AnswerCallOptions{Transcription: &calling.TranscriptionOptions{}})
			return err
		}, nil},
		{"empty incoming call context", "incomingCallContext", func() error { _, err := c.AnswerCall(ctx, "", callback, nil); return err }, nil},
		{"answer with http callback", "callbackURL", func() error { _, err := c.AnswerCall(ctx, "s3cr3t-value", secretURL, nil); return err }, nil},
		{"redirect without target", "target", func() error { _, err := c.RedirectCall(ctx, "ctx", nil, nil); return err }, nil},
		{"reject with unknown reason", "opts.Reason", func() error {
			_, err := c.RejectCall(ctx, "ctx", &calling.RejectCallOptions{Reason: "maybe"})
			return err
		}, nil},
		{"connect with unknown locator", "locator.Kind", func() error {
			_, err := c.ConnectCall(ctx, calling.CallLocator{Kind: "teamsMeeting", ID: "x"}, callback, nil)
			return err
		}, nil},
		{"connect without id", "locator.ID", func() error {
			_, err := c.ConnectCall(ctx, calling.CallLocator{Kind: calling.RoomCall}, callback, nil)
			return err
		}, nil},
		{"empty call connection id", "callConnectionID", func() error { _, err := c.GetCall(ctx, "", nil); return err }, nil},
		{"add phone without caller id", "opts.SourceCallerID", func() error { _, err := c.AddParticipant(ctx, "c1", phone, nil); return err }, calling.ErrMissingCallerID},
		{"invitation timeout too long", "opts.InvitationTimeout", func() error {
			_, err := c.AddParticipant(ctx, "c1", teamsUser, &calling.AddParticipantOptions{InvitationTimeout: 181 * time.Second})
			return err
		}, nil},
		{"invitation timeout not whole seconds", "opts.InvitationTimeout", func() error {
			_, err := c.AddParticipant(ctx, "c1", teamsUser, &calling.AddParticipantOptions{InvitationTimeout: 1500 * time.Millisecond})
			return err
		}, nil},
		{"negative invitation timeout", "opts.InvitationTimeout", func() error {
			_, err := c.AddParticipant(ctx, "c1", teamsUser, &calling.AddParticipantOptions{InvitationTimeout: -time.Second})
			return err
		}, nil},
		{"operation callback over http", "opts.OperationCallbackURL", func() error {
			_, err := c.RemoveParticipant(ctx, "c1", teamsUser, &calling.RemoveParticipantOptions{OperationCallbackURL: secretURL})
			return err
		}, nil},
		{"cancel without invitation", "invitationID", func() error { _, err := c.CancelAddParticipant(ctx, "c1", "", nil); return err }, nil},
		{"mute nothing", "participant", func() error { _, err := c.MuteParticipant(ctx, "c1", nil, nil); return err }, nil},
		{"transfer to nothing", "target", func() error { _, err := c.TransferToParticipant(ctx, "c1", nil, nil); return err }, nil},
		{"transfer with empty transferee", "opts.Transferee", func() error {
			_, err := c.TransferToParticipant(ctx, "c1", teamsUser, &calling.TransferToParticipantOptions{Transferee: identity.CommunicationUserIdentifier{}})
			return err
		}, nil},
		{"hold with file but no url", "opts.PlaySource.URL", func() error {
			_, err := c.HoldParticipant(ctx, "c1", acsUser, &calling.HoldParticipantOptions{PlaySource: &calling.PlaySource{Kind: calling.PlayFile}})
			return err
		}, nil},
		{"hold with unknown source", "opts.PlaySource.Kind", func() error {
			_, err := c.HoldParticipant(ctx, "c1", acsUser, &calling.HoldParticipantOptions{PlaySource: &calling.PlaySource{Kind: "video"}})
			return err
		}, nil},
		{"unknown identifier without raw id", "participant", func() error {
			_, err := c.GetParticipant(ctx, "c1", identity.UnknownIdentifier{}, nil)
			return err
		}, nil},
		{"nil context", "ctx", func() error {
			//lint:ignore SA1012 testing the nil-context check
			_, err := c.HangUp(nil, "c1", nil) //nolint:staticcheck
			return err
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			var ae *calling.ArgumentError
			require.ErrorAs(t, err, &ae)
			require.Equal(t, tc.arg, ae.Arg)
			require.True(t, strings.HasPrefix(err.Error(), "calling: invalid "+tc.arg+": "), err.Error())
			require.NotContains(t, err.Error(), "s3cr3t")
			if tc.is != nil {
				require.ErrorIs(t, err, tc.is)
			}
		})
	}
	require.Empty(t, rec.requests(), "nothing may be sent for bad input")
}

// TestCallbackURLLoopback accepts plain http for a loopback callback only
// when the client itself talks to a loopback endpoint (a fake, or a
// test's own server): the real service could never reach it, and an http
// callback URL would carry the events in clear text (issue 11 §6).
func TestCallbackURLLoopback(t *testing.T) {
	const local = "http://127.0.0.1:9999/events"
	rec := newRecorder(t)
	rec.queue(reply{status: 201, body: connectionBody})
	c := newTestClient(t, rec.srv.URL, nil)
	_, err := c.CreateCall(context.Background(), []identity.Identifier{teamsUser}, local, nil)
	require.NoError(t, err)
	reqs := rec.requests()
	require.Len(t, reqs, 1)
	var sent struct {
		CallbackURI string `json:"callbackUri"`
	}
	require.NoError(t, json.Unmarshal(reqs[0].Body, &sent))
	require.Equal(t, local, sent.CallbackURI, "the callback URL is sent as given")

	// Towards the real service, the same URL is an argument error and
	// nothing is sent.
	var sends atomic.Int32
	remote, err := calling.NewClientWithAccessKey("https://contoso.communication.azure.com", testKey, &calling.ClientOptions{
		ClientOptions: azcore.ClientOptions{Retry: noRetry(), Transport: transportFunc(func(*http.Request) (*http.Response, error) {
			sends.Add(1)
			return nil, errors.New("no network in tests")
		})},
	})
	require.NoError(t, err)
	ctx := context.Background()
	calls := map[string]func(u string) error{
		"CreateCall": func(u string) error {
			_, err := remote.CreateCall(ctx, []identity.Identifier{teamsUser}, u, nil)
			return err
		},
		"AnswerCall": func(u string) error { _, err := remote.AnswerCall(ctx, "icc", u, nil); return err },
		"ConnectCall": func(u string) error {
			_, err := remote.ConnectCall(ctx, calling.CallLocator{Kind: calling.ServerCall, ID: "s1"}, u, nil)
			return err
		},
		"AddParticipant": func(u string) error {
			_, err := remote.AddParticipant(ctx, "c1", teamsUser, &calling.AddParticipantOptions{OperationCallbackURL: u})
			return err
		},
		"RemoveParticipant": func(u string) error {
			_, err := remote.RemoveParticipant(ctx, "c1", teamsUser, &calling.RemoveParticipantOptions{OperationCallbackURL: u})
			return err
		},
		"CancelAddParticipant": func(u string) error {
			_, err := remote.CancelAddParticipant(ctx, "c1", "inv", &calling.CancelAddParticipantOptions{OperationCallbackURL: u})
			return err
		},
		"TransferToParticipant": func(u string) error {
			_, err := remote.TransferToParticipant(ctx, "c1", teamsUser, &calling.TransferToParticipantOptions{OperationCallbackURL: u})
			return err
		},
		"HoldParticipant": func(u string) error {
			_, err := remote.HoldParticipant(ctx, "c1", teamsUser, &calling.HoldParticipantOptions{OperationCallbackURL: u})
			return err
		},
		"UnholdParticipant": func(u string) error {
			_, err := remote.UnholdParticipant(ctx, "c1", teamsUser, &calling.UnholdParticipantOptions{OperationCallbackURL: u})
			return err
		},
	}
	for name, call := range calls {
		for _, u := range []string{local, "http://localhost/cb", "http://[::1]:9/cb"} {
			var ae *calling.ArgumentError
			require.ErrorAs(t, call(u), &ae, "%s %s", name, u)
			require.Contains(t, ae.Error(), "https", name)
		}
		require.Zero(t, sends.Load(), "%s sent a request with an http callback", name)
		// An https callback passes the check and goes to the transport.
		require.Error(t, call(callback))
		require.NotZero(t, sends.Swap(0), name)
	}
}

// transportFunc is an azcore transport made of a function.
type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func participantsPage(ids []string, next string) string {
	var w callwire.GetParticipantsResponse
	w.Value = []callwire.CallParticipant{}
	for _, id := range ids {
		m, _ := identity.MarshalIdentifier(identity.ParseRawID(id))
		w.Value = append(w.Value, callwire.CallParticipant{Identifier: m, IsMuted: strings.HasPrefix(id, "4:")})
	}
	w.NextLink = next
	b, _ := json.Marshal(w)
	return string(b)
}

func TestListParticipantsFollowsNextLinks(t *testing.T) {
	rec := newRecorder(t)
	c := newTestClient(t, rec.srv.URL, nil)
	rec.queue(
		reply{status: 200, body: participantsPage([]string{"8:acs:r_1", "4:+14255550123"}, "/calling/callConnections/c1/participants?skipToken=p2&api-version=2026-03-12")},
		reply{status: 200, body: participantsPage([]string{"8:orgid:" + teamsUser.UserID}, rec.srv.URL+"/calling/callConnections/c1/participants?skipToken=p3")},
		reply{status: 200, body: participantsPage([]string{"28:orgid:" + teamsApp.AppID}, "")},
	)
	var got []string
	for p, err := range c.ListParticipants(context.Background(), "c1", nil) {
		require.NoError(t, err)
		got = append(got, p.Identifier.RawID())
	}
	require.Equal(t, []string{"8:acs:r_1", "4:+14255550123", "8:orgid:" + teamsUser.UserID, "28:orgid:" + teamsApp.AppID}, got)
	reqs := rec.requests()
	require.Len(t, reqs, 3)
	require.Equal(t, []string{"p2"}, reqs[1].Query["skipToken"])
	require.Equal(t, []string{"p3"}, reqs[2].Query["skipToken"])
	require.Equal(t, []string{calling.DefaultAPIVersion}, reqs[2].Query["api-version"], "the api-version is added to a next link without one")
	for _, s := range reqs {
		require.NoError(t, s.AuthErr)
		require.Equal(t, "GET", s.Method)
	}
}

// TestListParticipantsEndsEndlessListings: a service that answers a page
// with its own link, or with new links forever, ends the listing with an
// error instead of keeping the caller in it; and a listing resumes from a
// NextLink in its options.
func TestListParticipantsEndsEndlessListings(t *testing.T) {
	rec := newRecorder(t)
	c := newTestClient(t, rec.srv.URL, nil)
	last := func(opts *calling.ListParticipantsOptions) (n int, err error) {
		for _, e := range c.ListParticipants(context.Background(), "c1", opts) {
			if err = e; e == nil {
				n++
			}
		}
		return n, err
	}

	rec.handle = func(seen) reply {
		return reply{status: 200, body: participantsPage([]string{"8:acs:r_1"}, "/calling/callConnections/c1/participants?skipToken=same")}
	}
	n, err := last(&calling.ListParticipantsOptions{NextLink: "/calling/callConnections/c1/participants?skipToken=same"})
	require.Error(t, err, "the same link twice")
	require.Equal(t, 1, n)
	require.Len(t, rec.requests(), 1, "resumed at the link, which answered with itself")

	var pages atomic.Int64
	rec.handle = func(seen) reply {
		return reply{status: 200, body: participantsPage(nil, "/calling/callConnections/c1/participants?skipToken="+strconv.FormatInt(pages.Add(1), 10))}
	}
	_, err = last(nil)
	require.ErrorContains(t, err, "too many participant pages")
	require.EqualValues(t, 1000, pages.Load())
}

func TestListParticipantsStopsEarly(t *testing.T) {
	rec := newRecorder(t)
	rec.queue(reply{status: 200, body: participantsPage([]string{"8:acs:r_1", "8:acs:r_2"}, "/next")})
	c := newTestClient(t, rec.srv.URL, nil)
	n := 0
	for _, err := range c.CallConnection("c1").ListParticipants(context.Background(), nil) {
		require.NoError(t, err)
		n++
		break
	}
	require.Equal(t, 1, n)
	require.Len(t, rec.requests(), 1, "breaking out fetches no further page")
}

func TestListParticipantsRefusesForeignNextLink(t *testing.T) {
	rec := newRecorder(t)
	other := newRecorder(t)
	rec.queue(reply{status: 200, body: participantsPage([]string{"8:acs:r_1"}, other.srv.URL+"/steal")})
	c := newTestClient(t, rec.srv.URL, nil)
	var errs []error
	for _, err := range c.ListParticipants(context.Background(), "c1", nil) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	require.Len(t, errs, 1)
	var ae *calling.ArgumentError
	require.ErrorAs(t, errs[0], &ae)
	require.Equal(t, "opts.NextLink", ae.Arg)
	require.Empty(t, other.requests(), "credentials never go to another host")
}

func TestListParticipantsStopsOnRepeatedNextLink(t *testing.T) {
	rec := newRecorder(t)
	rec.handle = func(seen) reply { return reply{status: 200, body: participantsPage(nil, "/same")} }
	c := newTestClient(t, rec.srv.URL, nil)
	var last error
	for _, err := range c.ListParticipants(context.Background(), "c1", nil) {
		last = err
	}
	require.Error(t, last)
	require.Len(t, rec.requests(), 2)
}

// TestResponseDecodingErrors checks that a malformed or unreadable
// response is an error, never a panic.
func TestResponseDecodingErrors(t *testing.T) {
	for _, body := range []string{
		`{`,
		`{"callConnectionId":""}`,
		`{"callConnectionId":"c1","targets":[{"kind":"phoneNumber","phoneNumber":{}}]}`,
		`{"callConnectionId":"c1","source":{"communicationUser":{"id":"a"},"phoneNumber":{"value":"+1"}}}`,
		`{"callConnectionId":"c1","answeredFor":{}}`,
		`{"callConnectionId":"c1","answeredBy":{"id":""}}`,
		`{"callConnectionId":"c1","targets":"nope"}`,
	} {
		rec := newRecorder(t)
		rec.queue(reply{status: 200, body: body})
		_, err := newTestClient(t, rec.srv.URL, nil).GetCall(context.Background(), "c1", nil)
		require.Error(t, err, body)
		require.True(t, strings.HasPrefix(err.Error(), "calling: "), err.Error())
	}
}

type staticToken struct{ calls int }

func (s *staticToken) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	s.calls++
	if len(o.Scopes) != 1 || o.Scopes[0] != "https://communication.azure.com//.default" {
		return azcore.AccessToken{}, fmt.Errorf("unexpected scopes %v", o.Scopes)
	}
	return azcore.AccessToken{Token: "entra-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func TestConstructors(t *testing.T) {
	rec := newRecorder(t)
	rec.handle = func(seen) reply { return reply{status: 200, body: connectionBody} }
	opts := &calling.ClientOptions{ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true, Retry: noRetry()}}

	cred := &staticToken{}
	c, err := calling.NewClient(rec.srv.URL, cred, opts)
	require.NoError(t, err)
	_, err = c.GetCall(context.Background(), "c1", nil)
	require.NoError(t, err)
	require.Equal(t, "Bearer entra-token", rec.last().Header.Get("Authorization"))

	c, err = calling.NewClientFromConnectionString("endpoint="+rec.srv.URL+"/;accesskey="+testKey, opts)
	require.NoError(t, err)
	require.Equal(t, rec.srv.URL, c.Endpoint())
	_, err = c.GetCall(context.Background(), "c1", nil)
	require.NoError(t, err)
	require.NoError(t, rec.last().AuthErr)

	_, err = calling.NewClient(rec.srv.URL, nil, opts)
	require.Error(t, err)
	_, err = calling.NewClientWithAccessKey(rec.srv.URL, "not base64!", opts)
	var ae *calling.ArgumentError
	require.ErrorAs(t, err, &ae)
	_, err = calling.NewClientWithAccessKey(rec.srv.URL, testKey, nil)
	require.Error(t, err, "plain http needs InsecureAllowCredentialWithHTTP")
	require.NotContains(t, err.Error(), testKey)
	_, err = calling.NewClientFromConnectionString("endpoint=https://x.communication.azure.com/;accesskey=c2VjcmV0IQ==x", nil)
	require.Error(t, err)
	require.NotContains(t, err.Error(), "c2VjcmV0IQ")
}

// TestNoSecretsInLogs runs operations with azcore logging on and checks
// that neither the access key's signature, the incoming call context nor a
// callback URL's token reaches the log.
func TestNoSecretsInLogs(t *testing.T) {
	var mu sync.Mutex
	var logs strings.Builder
	azlog.SetListener(func(_ azlog.Event, msg string) {
		mu.Lock()
		defer mu.Unlock()
		logs.WriteString(msg + "\n")
	})
	t.Cleanup(func() { azlog.SetListener(nil) })

	rec := newRecorder(t)
	rec.handle = func(seen) reply { return reply{status: 200, body: connectionBody} }
	c := newTestClient(t, rec.srv.URL, func(o *calling.ClientOptions) { o.Logging.IncludeBody = true })
	_, err := c.AnswerCall(context.Background(), "incoming-s3cr3t", "https://app.contoso.com/cb?token=t0k3n", nil)
	require.NoError(t, err)
	mu.Lock()
	out := logs.String()
	mu.Unlock()
	require.Contains(t, out, "callConnections:answer", "logging was on")
	require.Contains(t, strings.ToLower(out), strings.ToLower(callwire.HeaderRepeatabilityRequestID), "the repeatability headers are logged")
	for _, secret := range []string{"incoming-s3cr3t", "t0k3n", testKey, "Signature="} {
		require.NotContains(t, out, secret)
	}
	for _, s := range rec.requests() {
		require.Contains(t, s.Header.Get("Authorization"), "Signature=")
	}
}

// TestConcurrentUse runs operations from many goroutines on one client
// (run with -race); every request gets its own repeatability id.
func TestConcurrentUse(t *testing.T) {
	rec := newRecorder(t)
	rec.handle = func(seen) reply { return reply{status: 201, body: connectionBody} }
	c := newTestClient(t, rec.srv.URL, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.CreateCall(context.Background(), []identity.Identifier{teamsUser}, callback, nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	ids := map[string]bool{}
	for _, s := range rec.requests() {
		ids[s.Header.Get(callwire.HeaderRepeatabilityRequestID)] = true
	}
	require.Len(t, ids, 32)
}

func TestContextCancelled(t *testing.T) {
	rec := newRecorder(t)
	c := newTestClient(t, rec.srv.URL, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.GetCall(ctx, "c1", nil)
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
}

func TestServiceInterface(t *testing.T) {
	var s calling.Service = newTestClient(t, "http://127.0.0.1:1", nil)
	conn := calling.NewCallConnection(s, "abc")
	require.Equal(t, "abc", conn.ID())
	_ = http.StatusOK
}

// tickingClock moves an hour forward each time it is read.
type tickingClock struct{ *fake.Clock }

func (c tickingClock) Now() time.Time {
	c.Advance(time.Hour)
	return c.Clock.Now()
}

// A Teams identifier without "cloud" is read as the spec says ("By default
// 'public' if missing", common.json), in responses and in events; the
// client still writes the cloud in what it sends. Issue 14 §20.
func TestTeamsIdentifierWithoutCloud(t *testing.T) {
	rec := newRecorder(t)
	c := newTestClient(t, rec.srv.URL, nil)
	rec.queue(
		reply{status: 200, body: `{"identifier":{"kind":"microsoftTeamsUser","rawId":"8:orgid:` + teamsUser.UserID + `","microsoftTeamsUser":{"userId":"` + teamsUser.UserID + `"}},"isMuted":false}`},
		reply{status: 200, body: `{"callConnectionId":"c1","targets":[{"microsoftTeamsUser":{"userId":"` + teamsUser.UserID + `"}}],"source":{"microsoftTeamsApp":{"appId":"` + teamsApp.AppID + `"}}}`},
	)
	p, err := c.GetParticipant(context.Background(), "c1", teamsUser, nil)
	require.NoError(t, err)
	require.Equal(t, identity.MicrosoftTeamsUserIdentifier{UserID: teamsUser.UserID, Cloud: identity.CloudPublic}, p.Identifier)
	cp, err := c.GetCall(context.Background(), "c1", nil)
	require.NoError(t, err)
	require.Equal(t, []identity.Identifier{identity.MicrosoftTeamsUserIdentifier{UserID: teamsUser.UserID, Cloud: identity.CloudPublic}}, cp.Targets)
	require.Equal(t, identity.MicrosoftTeamsAppIdentifier{AppID: teamsApp.AppID, Cloud: identity.CloudPublic}, cp.Source)

	evs, err := calling.ParseCloudEvents([]byte(`[{"id":"1","source":"calling/callConnections/c1","type":"Microsoft.Communication.AddParticipantSucceeded","specversion":"1.0",
		"data":{"callConnectionId":"c1","participant":{"rawId":"8:gcch:` + teamsUser.UserID + `","microsoftTeamsUser":{"userId":"` + teamsUser.UserID + `"}}}}]`))
	require.NoError(t, err)
	require.Equal(t, identity.MicrosoftTeamsUserIdentifier{UserID: teamsUser.UserID, Cloud: identity.CloudGCCH}, evs[0].(*calling.AddParticipantSucceeded).Participant)

	// What the client sends always names the cloud.
	rec.queue(reply{status: 202, body: `{}`})
	_, err = c.AddParticipant(context.Background(), "c1", identity.MicrosoftTeamsUserIdentifier{UserID: teamsUser.UserID}, nil)
	require.NoError(t, err)
	require.Contains(t, string(rec.last().Body), `"cloud":"public"`)
}
