package calling_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// localACS stands in for an ACS resource in the examples: a loopback
// server answering Call Automation requests with canned responses.
func localACS() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/calling/callConnections":
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"callConnectionId":"18dea47f-b081-4107-9a5c-4300819d2c6c","callConnectionState":"connecting",`+
				`"targets":[{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"8e9b4a2c-1f0d-4e55-9f3a-2b7c6d1e0f11","cloud":"public"}}]}`)
		case strings.HasSuffix(r.URL.Path, "/participants") && r.URL.Query().Get("page") == "":
			_, _ = io.WriteString(w, `{"value":[{"identifier":{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"8e9b4a2c-1f0d-4e55-9f3a-2b7c6d1e0f11","cloud":"public"}},"isMuted":false}],`+
				`"nextLink":"`+r.URL.Path+`?page=2"}`)
		case strings.HasSuffix(r.URL.Path, "/participants"):
			_, _ = io.WriteString(w, `{"value":[{"identifier":{"kind":"phoneNumber","phoneNumber":{"value":"+14255550123"}},"isMuted":true}]}`)
		case strings.HasSuffix(r.URL.Path, ":terminate"):
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":{"code":"8522","message":"Call not found."}}`)
		}
	}))
}

// localOptions lets the examples' client talk plain http to localACS; a
// real client needs no options.
var localOptions = &calling.ClientOptions{ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true}}

// Call a Microsoft Teams user from the ACS resource. The service posts the
// call's events (CallConnected, ...) to the callback URL.
func ExampleClient_CreateCall() {
	acs := localACS()
	defer acs.Close()
	client, err := calling.NewClientFromConnectionString("endpoint="+acs.URL+"/;accesskey="+testKey, localOptions)
	if err != nil {
		fmt.Println(err)
		return
	}
	teamsUser := identity.MicrosoftTeamsUserIdentifier{UserID: "8e9b4a2c-1f0d-4e55-9f3a-2b7c6d1e0f11"}
	call, err := client.CreateCall(context.Background(), []identity.Identifier{teamsUser}, "https://app.contoso.com/calling/events", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(call.CallConnectionID, call.State, call.Targets[0].RawID())
	// Output: 18dea47f-b081-4107-9a5c-4300819d2c6c connecting 8:orgid:8e9b4a2c-1f0d-4e55-9f3a-2b7c6d1e0f11
}

// Calling a phone number needs a caller id, a number of the ACS resource;
// without one the client says so before sending anything.
func ExampleClient_CreateCall_phoneNumber() {
	client, err := calling.NewClientFromConnectionString("endpoint=https://contoso.communication.azure.com/;accesskey="+testKey, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	pstn := identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}
	_, err = client.CreateCall(context.Background(), []identity.Identifier{pstn}, "https://app.contoso.com/calling/events", nil)
	fmt.Println(errors.Is(err, calling.ErrMissingCallerID))
	var argErr *calling.ArgumentError
	if errors.As(err, &argErr) {
		fmt.Println(argErr.Arg)
	}
	// With a caller id the call would be placed:
	_ = &calling.CreateCallOptions{SourceCallerID: &identity.PhoneNumberIdentifier{PhoneNumber: "+18005550100"}}
	// Output:
	// true
	// opts.SourceCallerID
}

// List a call's participants; the iterator follows the service's pages.
func ExampleCallConnection_ListParticipants() {
	acs := localACS()
	defer acs.Close()
	client, err := calling.NewClientFromConnectionString("endpoint="+acs.URL+"/;accesskey="+testKey, localOptions)
	if err != nil {
		fmt.Println(err)
		return
	}
	call := client.CallConnection("18dea47f-b081-4107-9a5c-4300819d2c6c")
	for p, err := range call.ListParticipants(context.Background(), nil) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(p.Identifier.Kind(), p.Identifier.RawID(), "muted:", p.IsMuted)
	}
	// Output:
	// microsoftTeamsUser 8:orgid:8e9b4a2c-1f0d-4e55-9f3a-2b7c6d1e0f11 muted: false
	// phoneNumber 4:+14255550123 muted: true
}

// Service errors are *azcore.ResponseError; the helpers classify them.
func ExampleIsNotFound() {
	acs := localACS()
	defer acs.Close()
	client, err := calling.NewClientFromConnectionString("endpoint="+acs.URL+"/;accesskey="+testKey, localOptions)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.CallConnection("ended-call").GetCall(context.Background(), nil)
	fmt.Println(calling.IsNotFound(err), calling.ErrorCode(err))
	// Output: true 8522
}

// End a call for everyone, rather than only leaving it (HangUp).
func ExampleCallConnection_TerminateCall() {
	acs := localACS()
	defer acs.Close()
	client, err := calling.NewClientFromConnectionString("endpoint="+acs.URL+"/;accesskey="+testKey, localOptions)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.CallConnection("18dea47f-b081-4107-9a5c-4300819d2c6c").TerminateCall(context.Background(), nil)
	fmt.Println(err)
	// Output: <nil>
}
