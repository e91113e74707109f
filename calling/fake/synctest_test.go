package fake_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// The Go face works inside a testing/synctest bubble with the system clock
// (Options.Clock nil): a switchboard made in the bubble runs its timers on
// the bubble's time, so a 30-second ring timeout passes at once, without a
// manual clock. The HTTP face needs loopback sockets, which a bubble cannot
// wait on; tests of it keep identity/fake's Clock (see DESIGN.md, "The
// fakes").
func TestSwitchboardInSynctestBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		events := make(chan string, 16)
		sb := fake.New(&fake.Options{OnEvent: func(_ context.Context, d fake.Delivery) {
			if d.Event != nil {
				events <- d.Event.Type
			}
		}})
		defer sb.Close()
		bob := sb.AddTeamsUser("6b1f2c0e-8d3a-4f5e-9c7b-2a1d0e3f4b5c", fake.NoAnswer())
		start := time.Now()
		resp, err := sb.CreateCall(t.Context(), []identity.Identifier{bob}, "https://app.contoso.com/cb", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := <-events; got != calling.EventTypeCreateCallFailed {
			t.Fatalf("event %s, want %s after the ring timeout", got, calling.EventTypeCreateCallFailed)
		}
		if waited := time.Since(start); waited != fake.DefaultRingTimeout {
			t.Errorf("the call failed after %v of the bubble's time, want %v", waited, fake.DefaultRingTimeout)
		}
		if c, _ := sb.Call(resp.CallConnectionID); !c.Ended {
			t.Error("the call did not end")
		}
	})
}
