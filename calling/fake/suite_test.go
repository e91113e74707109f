package fake_test

import (
	"context"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/callingtest"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// callerID is the number of the test resource.
var callerID = identity.PhoneNumberIdentifier{PhoneNumber: "+18005550100"}

// start is the manual clocks' start: the machine's time, so that the
// callback tokens the switchboard dates with its clock are also valid for
// anything that checks them against the machine's.
func start() time.Time { return time.Now().Truncate(time.Second) }

// TestConformanceGoFace runs the suite against the switchboard's Go face:
// events go straight to the recorder through Options.OnEvent.
func TestConformanceGoFace(t *testing.T) {
	callingtest.Run(t, func(t *testing.T) callingtest.Env { return newGoEnv(t, nil) })
}

// newGoEnv is the Go face's environment of the suite; keep, when not nil,
// also gets the body of every delivery.
func newGoEnv(t *testing.T, keep func(body []byte)) callingtest.Env {
	clock := identityfake.NewClock(start())
	rec := callingtest.NewRecorder()
	sb := fake.New(&fake.Options{
		Clock:               clock,
		ParticipantPageSize: 2,
		CallerIDs:           []string{callerID.PhoneNumber},
		OnEvent: func(_ context.Context, d fake.Delivery) {
			if keep != nil {
				keep(d.Body)
			}
			if err := rec.RecordBody(d.Body); err != nil {
				t.Errorf("the switchboard sent a callback calling cannot parse: %v", err)
			}
		},
		OnIncomingCall: func(_ context.Context, d fake.Delivery) {
			if keep != nil {
				keep(d.Body)
			}
			evs, err := calling.ParseEventGridEvents(d.Body)
			if err != nil {
				t.Errorf("the switchboard sent an Event Grid delivery calling cannot parse: %v", err)
			}
			rec.Record(evs...)
		},
	})
	t.Cleanup(func() { sb.Close() })
	return callingtest.Env{
		Service:         sb,
		CallbackURL:     "https://app.contoso.com/callback",
		Events:          rec,
		CallerID:        callerID,
		Parties:         sb,
		Advance:         clock.Advance,
		RingTimeout:     fake.DefaultRingTimeout,
		TransferTimeout: fake.DefaultTransferTimeout,
	}
}
