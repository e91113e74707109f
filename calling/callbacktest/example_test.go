package callbacktest_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/callbacktest"
)

// A test of an application's callback endpoint: the handler trusts the
// Issuer's key, and the Issuer posts signed callbacks to it.
func ExampleIssuer() {
	iss := callbacktest.NewIssuer("acs-immutable-resource-id", nil)
	opts := iss.HandlerOptions()
	opts.Synchronous = true
	h, err := calling.NewCallbackHandler(iss.Audience(), opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer h.Close()
	h.OnEvent(func(_ context.Context, ev calling.Event) {
		fmt.Println("got", ev.EventType(), "of", ev.Info().CallConnectionID)
	})
	srv := httptest.NewServer(h)
	defer srv.Close()

	resp, err := iss.Post(context.Background(), srv.Client(), srv.URL, &calling.CallConnected{EventInfo: calling.EventInfo{CallConnectionID: "cc-1"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)

	// A token for another ACS resource is refused.
	body, _ := calling.MarshalCloudEvents(&calling.CallDisconnected{EventInfo: calling.EventInfo{CallConnectionID: "cc-1"}})
	r, _ := iss.NewRequest(context.Background(), srv.URL, body, callbacktest.WithAudience("another-resource"))
	resp, err = srv.Client().Do(r)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode)
	// Output:
	// got Microsoft.Communication.CallConnected of cc-1
	// 200
	// 401
}

// The Issuer can also serve its OpenID configuration and keys, so that the
// handler discovers and caches them as it does Call Automation's.
func ExampleIssuer_Handler() {
	iss := callbacktest.NewIssuer("acs-immutable-resource-id", nil)
	keys := httptest.NewServer(iss.Handler())
	defer keys.Close()

	h, err := calling.NewCallbackHandler("acs-immutable-resource-id", &calling.CallbackHandlerOptions{CallbackAuthOptions: calling.CallbackAuthOptions{
		OpenIDConfigurationURL: keys.URL + callbacktest.OpenIDConfigurationPath,
		HTTPClient:             keys.Client(),
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer h.Close()
	body, _ := calling.MarshalCloudEvents(&calling.CallConnected{EventInfo: calling.EventInfo{CallConnectionID: "cc-1"}})
	for range 3 {
		r, _ := iss.NewRequest(context.Background(), "/callbacks", body)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code)
	}
	fmt.Println("documents fetched:", iss.Requests())
	// Output:
	// 200
	// 200
	// 200
	// documents fetched: 2
}
