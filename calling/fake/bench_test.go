package fake_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/eventwire"
)

// BenchmarkCallLife runs b.N concurrent calls through their scripted life
// (11 events each) and checks every event arrived once, in order:
//
//   - go-face/go-handler: operations on the Go face, events handed to a Go
//     function that parses them;
//   - go-face/http-callbacks: events POSTed, signed, to calling's
//     CallbackHandler on loopback;
//   - http-face/http-callbacks: operations through the real client on the
//     HTTP face too;
//   - raw-posts: the plain alternative to the switchboard's delivery, the
//     same number of pre-built callback bodies POSTed to the same handler
//     by 16 goroutines with net/http, no ordering, signing once.
func BenchmarkCallLife(b *testing.B) {
	report := func(b *testing.B, rcv *receiver) {
		b.ReportMetric(float64(rcv.total.Load())/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rcv.total.Load()), "ns/event")
	}
	b.Run("go-face/go-handler", func(b *testing.B) {
		rcv := newReceiver()
		sb := newLoadBoard(b, func(o *fake.Options) {
			o.OnEvent = func(_ context.Context, d fake.Delivery) {
				evs, err := calling.ParseCloudEvents(d.Body)
				if err != nil {
					b.Error(err)
					return
				}
				rcv.record(evs[0])
			}
		})
		b.ReportAllocs()
		b.ResetTimer()
		ids := life(b, sb, sb, "https://app.contoso.com/callbacks", b.N)
		b.StopTimer()
		check(b, sb, rcv, ids)
		report(b, rcv)
	})
	b.Run("go-face/http-callbacks", func(b *testing.B) {
		rcv := newReceiver()
		sb := newLoadBoard(b, nil)
		srv := callbackServer(b, sb, rcv, false)
		b.ReportAllocs()
		b.ResetTimer()
		ids := life(b, sb, sb, srv.URL+"/callbacks", b.N)
		b.StopTimer()
		check(b, sb, rcv, ids)
		report(b, rcv)
	})
	b.Run("http-face/http-callbacks", func(b *testing.B) {
		rcv := newReceiver()
		sb := newLoadBoard(b, nil)
		srv := callbackServer(b, sb, rcv, false)
		api := sb.NewServer()
		b.Cleanup(api.Close)
		tr := &http.Transport{MaxIdleConnsPerHost: 64}
		b.Cleanup(tr.CloseIdleConnections)
		client, err := calling.NewClientWithAccessKey(api.URL, sb.AccessKey(), &calling.ClientOptions{ClientOptions: azcore.ClientOptions{
			InsecureAllowCredentialWithHTTP: true,
			Transport:                       &http.Client{Transport: tr},
		}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		ids := life(b, sb, client, srv.URL+"/callbacks", b.N)
		b.StopTimer()
		check(b, sb, rcv, ids)
		report(b, rcv)
	})
	b.Run("raw-posts", func(b *testing.B) {
		rcv := newReceiver()
		sb := newLoadBoard(b, nil)
		srv := callbackServer(b, sb, rcv, false)
		bodies := make([][]byte, b.N*eventsPerCall)
		for i := range bodies {
			d := &eventwire.EventData{CallConnectionID: fmt.Sprintf("call-%d", i/eventsPerCall), OperationContext: "raw"}
			ce, err := eventwire.NewCallbackEvent(eventwire.TypeCallConnected, d, "", sb.Clock().Now())
			if err != nil {
				b.Fatal(err)
			}
			if bodies[i], err = eventwire.MarshalCloudEvents([]eventwire.CloudEvent{ce}); err != nil {
				b.Fatal(err)
			}
		}
		token := sb.CallbackToken()
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
		b.Cleanup(client.CloseIdleConnections)
		b.ReportAllocs()
		b.ResetTimer()
		next := make(chan []byte)
		var wg sync.WaitGroup
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for body := range next {
					req, _ := http.NewRequest(http.MethodPost, srv.URL+"/callbacks", bytesReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+token)
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						continue
					}
					resp.Body.Close()
				}
			}()
		}
		for _, body := range bodies {
			next <- body
		}
		close(next)
		wg.Wait()
		b.StopTimer()
		if got := rcv.total.Load(); got != int64(len(bodies)) {
			b.Fatalf("%d of %d raw posts arrived", got, len(bodies))
		}
		report(b, rcv)
	})
}

// BenchmarkCreateCall compares one CreateCall on the Go face with the same
// through the real client on the HTTP face (loopback, HMAC, JSON).
func BenchmarkCreateCall(b *testing.B) {
	targets := []identity.Identifier{identity.MicrosoftTeamsUserIdentifier{UserID: "bec00000-0000-4000-8000-000000000000"}}
	b.Run("go-face", func(b *testing.B) {
		sb := newLoadBoard(b, func(o *fake.Options) { o.OnEvent = func(context.Context, fake.Delivery) {} })
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if _, err := sb.CreateCall(ctx, targets, "https://app.contoso.com/cb", nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("http-face", func(b *testing.B) {
		sb := newLoadBoard(b, func(o *fake.Options) { o.OnEvent = func(context.Context, fake.Delivery) {} })
		api := httptest.NewServer(sb.Handler())
		b.Cleanup(api.Close)
		client, err := calling.NewClientWithAccessKey(api.URL, sb.AccessKey(), &calling.ClientOptions{ClientOptions: azcore.ClientOptions{
			InsecureAllowCredentialWithHTTP: true, Transport: api.Client(),
		}})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if _, err := client.CreateCall(ctx, targets, "https://app.contoso.com/cb", nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
