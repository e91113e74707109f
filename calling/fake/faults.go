package fake

import (
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
)

// Operation names, for Fault.Op and Request.Op. Both faces use them.
const (
	OpCreateCall           = "createCall"
	OpAnswerCall           = "answerCall"
	OpRedirectCall         = "redirectCall"
	OpRejectCall           = "rejectCall"
	OpConnectCall          = "connectCall"
	OpGetCall              = "getCall"
	OpListParticipants     = "listParticipants"
	OpGetParticipant       = "getParticipant"
	OpAddParticipant       = "addParticipant"
	OpRemoveParticipant    = "removeParticipant"
	OpCancelAddParticipant = "cancelAddParticipant"
	OpMuteParticipant      = "muteParticipant"
	OpTransfer             = "transferToParticipant"
	OpHold                 = "hold"
	OpUnhold               = "unhold"
	OpHangUp               = "hangUp"
	OpTerminateCall        = "terminateCall"
)

// Fault is a failure the switchboard injects into matching requests, on
// both faces: the fault model of all three fakes, declared in identity/fake.
// Its Op is one of this package's Op constants; the Go face answers a Drop
// with ErrDropped and a fault's error as the *azcore.ResponseError the
// client would return (Retry-After in its response). A request retried on
// the HTTP face with the same Repeatability-Request-ID after a fault with
// AfterProcessing gets the first outcome replayed; one retried without it
// acts twice.
type Fault = identityfake.Fault

// Request is one request the switchboard answered, on either face: the
// request log of all three fakes, declared in identity/fake. This fake fills
// in RepeatabilityID and Replayed.
type Request = identityfake.Request

// ErrDropped is the Go face's error for a request that a Fault with Drop
// lost: identity/fake's.
var ErrDropped = identityfake.ErrDropped

// InjectFault adds a fault after those already injected. Faults are tried in
// the order they were injected; the first that applies to a request wins.
func (sb *Switchboard) InjectFault(f Fault) { sb.faults.Inject(fakekit.Fault(f)) }

// ClearFaults removes every fault and sets FaultsApplied back to zero.
func (sb *Switchboard) ClearFaults() { sb.faults.Clear() }

// FaultsApplied returns how many requests injected faults have applied to
// since the last ClearFaults.
func (sb *Switchboard) FaultsApplied() int { return sb.faults.Applied() }

// Requests returns the requests answered so far, oldest first: at most
// Options.MaxRequestLog of them (when the log is full its oldest tenth is
// dropped).
func (sb *Switchboard) Requests() []Request { return sb.log.All() }

// ResetRequests empties the request log.
func (sb *Switchboard) ResetRequests() { sb.log.Reset() }

// CountRequests returns how many logged requests were of op (all when op is
// empty) and, of those, how many an injected fault held or answered.
func (sb *Switchboard) CountRequests(op string) (total, injected int) { return sb.log.Count(op) }

func (sb *Switchboard) logRequest(r Request) { sb.log.Add(r.Op, r.Injected, r) }

// faultError is the error an injected fault answers with.
func faultError(f *fakekit.Fault) *apiError {
	code, msg := f.Code, f.Message
	if code == "" {
		code = codeFor(f.Status)
	}
	if msg == "" {
		msg = "Injected fault."
	}
	return &apiError{status: f.Status, code: code, msg: msg, retryAfter: f.RetryAfter}
}
