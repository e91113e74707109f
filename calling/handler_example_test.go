package calling_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/callbacktest"
)

// A callback endpoint: the handler checks each callback's token against
// Call Automation's published keys, answers at once, and runs the
// handlers of the call, of the operation and of every event. Against
// Azure, the options need only the ACS resource's immutable id (and an
// Event Grid secret for incoming calls); here callbacktest stands in for
// Call Automation, signing with a test key the handler is told to trust.
func ExampleNewCallbackHandler() {
	iss := callbacktest.NewIssuer("acs-immutable-resource-id", nil)

	opts := iss.HandlerOptions() // Azure: &calling.CallbackHandlerOptions{}
	opts.EventGridSecret = "a-long-random-secret"
	h, err := calling.NewCallbackHandler(iss.Audience(), opts) // Azure: the resource's immutable id
	if err != nil {
		fmt.Println(err)
		return
	}
	defer h.Close()

	done := make(chan struct{})
	h.OnCall("cc-1", func(ctx context.Context, ev calling.Event) {
		switch e := ev.(type) {
		case *calling.CallConnected:
			fmt.Println("call cc-1 connected")
		case *calling.CallDisconnected:
			fmt.Println("call cc-1 ended")
			close(done)
		default:
			fmt.Println("call cc-1:", e.EventType())
		}
	})
	h.OnOperation("add-bob", func(ctx context.Context, ev calling.Event) {
		if f, ok := ev.(*calling.AddParticipantFailed); ok {
			fmt.Println("adding bob failed:", f.ResultInformation.Code)
		}
	})

	srv := httptest.NewServer(h) // Azure: http.Handle("/acs/callbacks", h) behind https
	defer srv.Close()

	info := calling.EventInfo{CallConnectionID: "cc-1"}
	failed := calling.EventInfo{CallConnectionID: "cc-1", OperationContext: "add-bob", ResultInformation: &calling.ResultInformation{Code: 408}}
	resp, err := iss.Post(context.Background(), srv.Client(), srv.URL,
		&calling.CallConnected{EventInfo: info},
		&calling.AddParticipantFailed{EventInfo: failed},
		&calling.CallDisconnected{EventInfo: info},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	<-done

	// A forged callback (no token) is refused and reaches no handler.
	resp, err = srv.Client().Post(srv.URL, "application/json", strings.NewReader(`[{"type":"Microsoft.Communication.CallDisconnected","data":{"callConnectionId":"cc-1"}}]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("forged callback:", resp.StatusCode)

	// Output:
	// call cc-1 connected
	// call cc-1: Microsoft.Communication.AddParticipantFailed
	// adding bob failed: 408
	// call cc-1 ended
	// forged callback: 401
}

// Event Grid delivers incoming calls; the subscription's endpoint carries
// the secret in its query, and the handler answers the subscription's
// validation by itself.
func ExampleCallbackHandler_OnIncomingCall() {
	h, err := calling.NewCallbackHandler("acs-immutable-resource-id", &calling.CallbackHandlerOptions{
		EventGridSecret: "a-long-random-secret",
		Synchronous:     true, // for the example's output order
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer h.Close()
	h.OnIncomingCall(func(ctx context.Context, call *calling.IncomingCall) {
		// Answer with a calling.Client: client.AnswerCall(ctx, call.IncomingCallContext, callbackURL, nil)
		fmt.Println("incoming call from", call.From.RawID(), "to", call.To.RawID())
	})

	post := func(body string) {
		r := httptest.NewRequest(http.MethodPost, "/acs/events?secret=a-long-random-secret", strings.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	post(`[{"id":"v","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","data":{"validationCode":"512d38b6"},"eventTime":"2026-01-01T00:00:00Z","dataVersion":"1","metadataVersion":"1","subject":""}]`)
	post(`[{"id":"1","eventType":"Microsoft.Communication.IncomingCall","subject":"/caller/4:+14255550123/recipient/8:acs:r_u","eventTime":"2026-01-01T00:00:00Z","dataVersion":"1.0","metadataVersion":"1",
	  "data":{"from":{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}},"to":{"kind":"communicationUser","rawId":"8:acs:r_u","communicationUser":{"id":"8:acs:r_u"}},
	          "serverCallId":"sc","incomingCallContext":"<opaque>","correlationId":"co"}}]`)
	// Output:
	// 200 {"validationResponse":"512d38b6"}
	// incoming call from 4:+14255550123 to 8:acs:r_u
	// 200
}

// Without Synchronous, deliveries are answered 200 once queued. Events
// that Shutdown cannot run before its context ends are counted in its
// error and handed to OnDropped, to be logged or run elsewhere: their
// senders will not send them again.
func ExampleCallbackHandler_Shutdown() {
	iss := callbacktest.NewIssuer("acs-immutable-resource-id", nil)
	opts := iss.HandlerOptions()
	opts.Workers = 1
	opts.OnDropped = func(events []calling.Event) {
		for _, ev := range events {
			fmt.Println("dropped", ev.Info().ID)
		}
	}
	h, err := calling.NewCallbackHandler(iss.Audience(), opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	started := make(chan struct{})
	h.OnEvent(func(ctx context.Context, ev calling.Event) {
		close(started)
		<-ctx.Done() // a handler that does not finish in time
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, id := range []string{"ev-1", "ev-2", "ev-3"} {
		resp, err := iss.Post(context.Background(), srv.Client(), srv.URL, &calling.CallConnected{EventInfo: calling.EventInfo{ID: id, CallConnectionID: "cc-1"}})
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		if id == "ev-1" {
			<-started
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the time for shutting down is over
	err = h.Shutdown(ctx)
	var se *calling.ShutdownError
	if errors.As(err, &se) {
		fmt.Println(se.Dropped, "events not handled:", errors.Is(err, context.Canceled))
	}
	_ = h.Close() // waits for the running handler, which sees its context end
	// Output:
	// dropped ev-2
	// dropped ev-3
	// 2 events not handled: true
}
