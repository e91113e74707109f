package fake_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

func TestFaultThrottlingGoFace(t *testing.T) {
	h := newHarness(t, nil)
	h.sb.AddTeamsUser(teamsAlice.UserID, fake.Answers())
	h.sb.InjectFault(fake.Fault{Op: fake.OpCreateCall, Status: http.StatusTooManyRequests, RetryAfter: 1500 * time.Millisecond, Times: 2})
	targets := []identity.Identifier{teamsAlice}
	for i := range 2 {
		_, err := h.sb.CreateCall(ctx(t), targets, "https://app.contoso.com/cb", nil)
		var re *azcore.ResponseError
		if !errors.As(err, &re) || !calling.IsThrottled(err) || re.ErrorCode != "TooManyRequests" {
			t.Fatalf("attempt %d: got %v, want a 429 *azcore.ResponseError", i, err)
		}
		if got := re.RawResponse.Header.Get("Retry-After"); got != "2" {
			t.Errorf("Retry-After %q, want 2 (whole seconds, rounded up)", got)
		}
	}
	if _, err := h.sb.CreateCall(ctx(t), targets, "https://app.contoso.com/cb", nil); err != nil {
		t.Fatalf("the third attempt: %v", err)
	}
	// Other operations were never affected.
	if _, err := h.sb.GetCall(ctx(t), "nope", nil); !calling.IsNotFound(err) {
		t.Errorf("GetCall: %v", err)
	}
	if n := h.sb.FaultsApplied(); n != 2 {
		t.Errorf("FaultsApplied = %d, want 2", n)
	}
	if n := len(h.sb.Calls()); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}

// TestFaultThrottlingHTTPFace: the real client retries a 429 (honouring
// Retry-After) with the same repeatability headers, and the call is made
// once.
func TestFaultThrottlingHTTPFace(t *testing.T) {
	h := newHarness(t, nil)
	h.sb.AddTeamsUser(teamsAlice.UserID, fake.Answers())
	h.sb.InjectFault(fake.Fault{Op: fake.OpCreateCall, Status: http.StatusTooManyRequests, RetryAfter: time.Second})
	// azcore gives up on a Retry-After longer than MaxRetryDelay.
	client := newClient(t, h.api, h.sb.AccessKey(), func(o *calling.ClientOptions) { o.Retry.MaxRetryDelay = 2 * time.Second })
	if _, err := client.CreateCall(ctx(t), []identity.Identifier{teamsAlice}, "https://app.contoso.com/cb", nil); err != nil {
		t.Fatalf("CreateCall through a 429: %v", err)
	}
	reqs := h.sb.Requests()
	if len(reqs) != 2 || reqs[0].Status != 429 || !reqs[0].Injected || reqs[1].Status != 201 {
		t.Fatalf("requests %+v, want a 429 then a 201", reqs)
	}
	if reqs[0].RepeatabilityID == "" || reqs[0].RepeatabilityID != reqs[1].RepeatabilityID {
		t.Errorf("the retry's Repeatability-Request-ID %q differs from the first %q", reqs[1].RepeatabilityID, reqs[0].RepeatabilityID)
	}
	if total, injected := h.sb.CountRequests(fake.OpCreateCall); total != 2 || injected != 1 {
		t.Errorf("CountRequests = %d, %d; want 2, 1", total, injected)
	}
	h.sb.ResetRequests()
	if n := len(h.sb.Requests()); n != 0 {
		t.Errorf("%d requests after ResetRequests", n)
	}
	if n := len(h.sb.Calls()); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}

// TestFaultLostResponse: the call is created, then the answer is a 500;
// the client's retry carries the same Repeatability-Request-ID and gets the
// first outcome replayed, so there is still one call.
func TestFaultLostResponse(t *testing.T) {
	h := newHarness(t, nil)
	h.sb.AddTeamsUser(teamsAlice.UserID, fake.Answers())
	h.sb.InjectFault(fake.Fault{Op: fake.OpCreateCall, Status: http.StatusInternalServerError, AfterProcessing: true})
	resp, err := h.client.CreateCall(ctx(t), []identity.Identifier{teamsAlice}, "https://app.contoso.com/cb", nil)
	if err != nil {
		t.Fatalf("CreateCall through a lost response: %v", err)
	}
	calls := h.sb.Calls()
	if len(calls) != 1 || calls[0].CallConnectionID != resp.CallConnectionID {
		t.Fatalf("calls %+v, want the one the client was told about", calls)
	}
	reqs := h.sb.Requests()
	if len(reqs) != 2 || reqs[0].Status != 500 || !reqs[1].Replayed {
		t.Errorf("requests %+v, want a 500 then a replay", reqs)
	}

	// The Go face has no repeatability: the operation took effect, the
	// caller gets the error.
	h.sb.InjectFault(fake.Fault{Op: fake.OpTerminateCall, Status: http.StatusServiceUnavailable, AfterProcessing: true})
	_, err = h.sb.TerminateCall(ctx(t), resp.CallConnectionID, nil)
	if calling.StatusCode(err) != http.StatusServiceUnavailable {
		t.Fatalf("TerminateCall: %v, want 503", err)
	}
	if c, _ := h.sb.Call(resp.CallConnectionID); !c.Ended {
		t.Error("the call did not end although TerminateCall took effect before the failure")
	}
}

// TestFaultWithoutRepeatability: a client that retries a lost response
// without the headers acts twice, which is what the headers are for.
func TestFaultWithoutRepeatability(t *testing.T) {
	h := newHarness(t, nil)
	h.sb.AddTeamsUser(teamsAlice.UserID, fake.Answers())
	h.sb.InjectFault(fake.Fault{Op: fake.OpCreateCall, Status: http.StatusBadGateway, AfterProcessing: true})
	body := []byte(`{"targets":[{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"` + teamsAlice.UserID + `","cloud":"public"}}],"callbackUri":"https://x.example/cb"}`)
	path := "/calling/callConnections?api-version=" + calling.DefaultAPIVersion
	r1, _ := h.do(t, http.MethodPost, path, body, nil)
	r2, _ := h.do(t, http.MethodPost, path, body, nil)
	if r1.StatusCode != 502 || r2.StatusCode != 201 {
		t.Fatalf("statuses %d, %d; want 502, 201", r1.StatusCode, r2.StatusCode)
	}
	if n := len(h.sb.Calls()); n != 2 {
		t.Errorf("%d calls, want 2", n)
	}
}

func TestFaultSkipAndTimes(t *testing.T) {
	h := newHarness(t, nil)
	h.sb.InjectFault(fake.Fault{Op: fake.OpGetCall, Status: http.StatusServiceUnavailable, Skip: 1, Times: 2})
	var got []int
	for range 5 {
		_, err := h.sb.GetCall(ctx(t), "x", nil)
		got = append(got, calling.StatusCode(err))
	}
	want := []int{404, 503, 503, 404, 404}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses %v, want %v", got, want)
		}
	}
	h.sb.ClearFaults()
	if n := h.sb.FaultsApplied(); n != 0 {
		t.Errorf("FaultsApplied after ClearFaults = %d", n)
	}
}

func TestFaultDelayAndDrop(t *testing.T) {
	h := newHarness(t, nil)
	h.sb.InjectFault(fake.Fault{Op: fake.OpGetCall, Delay: time.Hour})
	c, cancel := context.WithCancel(ctx(t))
	cancel()
	if _, err := h.sb.GetCall(c, "x", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("GetCall with a cancelled context: %v", err)
	}
	h.sb.ClearFaults()
	// A short delay holds the answer, then the operation runs.
	h.sb.InjectFault(fake.Fault{Op: fake.OpGetCall, Delay: time.Millisecond})
	if _, err := h.sb.GetCall(ctx(t), "x", nil); !calling.IsNotFound(err) {
		t.Errorf("GetCall after a delay: %v", err)
	}
	// A delayed HTTP request ends with its context.
	h.sb.InjectFault(fake.Fault{Op: fake.OpGetCall, Delay: time.Hour})
	c, cancel = context.WithTimeout(ctx(t), 50*time.Millisecond)
	defer cancel()
	if _, err := h.client.GetCall(c, "x", nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("HTTP GetCall held for an hour: %v", err)
	}
	h.sb.ClearFaults()

	h.sb.InjectFault(fake.Fault{Op: fake.OpHangUp, Drop: true, Times: 2})
	if _, err := h.sb.HangUp(ctx(t), "x", nil); !errors.Is(err, fake.ErrDropped) {
		t.Errorf("Go face drop: %v", err)
	}
	noRetry := newClient(t, h.api, h.sb.AccessKey(), func(o *calling.ClientOptions) { o.Retry = policy.RetryOptions{MaxRetries: -1} })
	_, err := noRetry.HangUp(ctx(t), "x", nil)
	var re *azcore.ResponseError
	if err == nil || errors.As(err, &re) {
		t.Errorf("HTTP face drop: got %v, want a transport error", err)
	}
}

func TestOperationsAfterClose(t *testing.T) {
	h := newHarness(t, nil)
	h.sb.Close()
	if _, err := h.sb.GetCall(ctx(t), "x", nil); calling.StatusCode(err) != http.StatusServiceUnavailable {
		t.Errorf("GetCall after Close: %v, want 503 as on the HTTP face", err)
	}
	noRetry := newClient(t, h.api, h.sb.AccessKey(), func(o *calling.ClientOptions) { o.Retry = policy.RetryOptions{MaxRetries: -1} })
	if _, err := noRetry.GetCall(ctx(t), "x", nil); calling.StatusCode(err) != http.StatusServiceUnavailable {
		t.Errorf("HTTP GetCall after Close: %v, want 503", err)
	}
	if _, err := h.sb.IncomingCall(ctx(t), teamsAlice, callerID, nil); err == nil {
		t.Error("IncomingCall after Close succeeded")
	}
	if err := h.sb.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
