package callingtest

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/suitecheck"
)

// noIncomingEvents is a Recorder to which IncomingCall events are never
// delivered: asked for one, it says so at once.
type noIncomingEvents struct{ *Recorder }

func (r noIncomingEvents) Next(ctx context.Context, callConnectionID string) (calling.Event, error) {
	if callConnectionID == "" {
		return nil, errors.New("this environment delivers no IncomingCall events")
	}
	return r.Recorder.Next(ctx, callConnectionID)
}

// lacking is the switchboard's Go face in an environment that cannot move
// its clock and receives no IncomingCall events, and with noParties cannot
// script the other parties either; it declares what it lacks as told.
func lacking(noParties bool, declared Unsupported) func(t *testing.T) Env {
	return func(t *testing.T) Env {
		rec := NewRecorder()
		sb := fake.New(&fake.Options{
			Clock:     identityfake.NewClock(time.Now().Truncate(time.Second)),
			CallerIDs: []string{"+18005550100"},
			OnEvent: func(_ context.Context, d fake.Delivery) {
				if err := rec.RecordBody(d.Body); err != nil {
					t.Errorf("the switchboard sent a callback calling cannot parse: %v", err)
				}
			},
		})
		t.Cleanup(func() { sb.Close() })
		env := Env{Service: sb, CallbackURL: "https://app.contoso.com/callback", Events: noIncomingEvents{rec},
			CallerID: identity.PhoneNumberIdentifier{PhoneNumber: "+18005550100"}, Parties: sb, Unsupported: declared}
		if noParties {
			env.Parties = nil
		}
		return env
	}
}

// TestSuiteSkipsOnlyWhatIsDeclared: an environment without parties, clock
// control or IncomingCall events passes when it declares so, and fails each
// case that needs what it left out when it does not, saying what (the
// suite used to skip on a nil hook, so an implementation passed by leaving
// things out). The failing runs are child processes, since a failing
// subtest fails its parent.
func TestSuiteSkipsOnlyWhatIsDeclared(t *testing.T) {
	switch os.Getenv("CALLINGTEST_UNDECLARED") {
	case "no-parties":
		Run(t, lacking(true, Unsupported{}))
		return
	case "no-clock-no-incoming":
		Run(t, lacking(false, Unsupported{}))
		return
	}
	Run(t, lacking(true, Unsupported{Parties: true, ClockControl: true, IncomingCallEvents: true}))
	Run(t, lacking(false, Unsupported{ClockControl: true, IncomingCallEvents: true}))

	noParties := map[string]string{}
	for _, c := range cases {
		if c.parties {
			noParties[c.name] = "Env.Parties is nil: set it, or declare Env.Unsupported.Parties"
		}
	}
	suitecheck.FailsEach(t, "CALLINGTEST_UNDECLARED", "no-parties", noParties)
	const (
		noClock    = "Env.Advance is nil: set it, or declare Env.Unsupported.ClockControl"
		noIncoming = "reached Env.Events (this environment delivers no IncomingCall events): deliver them there, or declare Env.Unsupported.IncomingCallEvents"
	)
	suitecheck.FailsEach(t, "CALLINGTEST_UNDECLARED", "no-clock-no-incoming", map[string]string{
		"CreateCallNotAnswered":                   noClock,
		"AddParticipantTimesOut":                  noClock,
		"TransferNotAnswered":                     noClock,
		"ParticipantHangsUp":                      noClock,
		"IncomingVoIPCallAnswered":                noIncoming,
		"IncomingVoIPCallRedirectedToTeamsUser":   noIncoming,
		"IncomingCallRejected":                    noIncoming,
		"IncomingCallRedirectedToResource":        noIncoming,
		"IncomingPhoneCallRedirectedToTeamsUser":  noIncoming,
		"IncomingPhoneCallAnsweredAndTransferred": noIncoming,
	})
}
