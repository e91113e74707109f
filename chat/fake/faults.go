package fake

import (
	"net/http"
	"time"

	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
	gw "github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// Operation names, for Fault.Op and Request.Op. Both faces use them.
const (
	OpListChats             = "listChats"
	OpGetChat               = "getChat"
	OpCreateChat            = "createChat"
	OpListMembers           = "listMembers"
	OpGetMember             = "getMember"
	OpAddMember             = "addMember"
	OpRemoveMember          = "removeMember"
	OpGetOnlineMeeting      = "getOnlineMeeting"
	OpCreateOnlineMeeting   = "createOnlineMeeting"
	OpUpdateOnlineMeeting   = "updateOnlineMeeting"
	OpDeleteOnlineMeeting   = "deleteOnlineMeeting"
	OpCreateOrGetMeeting    = "createOrGetOnlineMeeting"
	OpListAttendance        = "listAttendanceReports"
	OpGetAttendance         = "getAttendanceReport"
	OpGetPresence           = "getPresence"
	OpGetPresences          = "getPresences"
	OpSetPresence           = "setPresence"
	OpClearPresence         = "clearPresence"
	OpSetPreferredPresence  = "setUserPreferredPresence"
	OpClearPreferred        = "clearUserPreferredPresence"
	OpSetStatusMessage      = "setStatusMessage"
	OpGetUser               = "getUser"
	OpSendMessage           = "sendMessage"
	OpListMessages          = "listMessages"
	OpGetMessage            = "getMessage"
	OpEditMessage           = "editMessage"
	OpSoftDelete            = "softDeleteMessage"
	OpUndoSoftDelete        = "undoSoftDeleteMessage"
	OpSetReaction           = "setReaction"
	OpUnsetReaction         = "unsetReaction"
	OpHostedContents        = "hostedContents"
	OpSendChannelMessage    = "sendChannelMessage"
	OpListChannelMessages   = "listChannelMessages"
	OpGetChannelMessage     = "getChannelMessage"
	OpReplyToChannelMessage = "replyToChannelMessage"
	OpListReplies           = "listReplies"
	OpCreateSubscription    = "createSubscription"
	OpListSubscriptions     = "listSubscriptions"
	OpGetSubscription       = "getSubscription"
	OpUpdateSubscription    = "updateSubscription"
	OpDeleteSubscription    = "deleteSubscription"
)

// Fault is a failure the service injects into matching requests, on both
// faces: the fault model of all three fakes, declared in identity/fake.
// Its Op is one of this package's Op constants; the Go face answers a Drop with
// ErrDropped and a fault's error as the *chat.Error the client would
// return (RetryAfter in chat.Error.RetryAfter).
type Fault = identityfake.Fault

// Request is one request the service answered, on either face: the request
// log of all three fakes, declared in identity/fake. This fake fills in
// Query, UserID (the signed-in user) and, on the HTTP face, Body (never the
// Authorization header).
type Request = identityfake.Request

// ErrDropped is the Go face's error for a request that a Fault with Drop
// lost: identity/fake's. Like a real client's transport error, it is not a
// *chat.Error.
var ErrDropped = identityfake.ErrDropped

// InjectFault adds a fault after those already injected. Faults are tried in
// the order they were injected; the first that applies to a request wins.
func (s *Service) InjectFault(f Fault) { s.faults.Inject(fakekit.Fault(f)) }

// ClearFaults removes every fault and sets FaultsApplied back to zero.
func (s *Service) ClearFaults() { s.faults.Clear() }

// FaultsApplied returns how many requests injected faults have applied to
// since the last ClearFaults.
func (s *Service) FaultsApplied() int { return s.faults.Applied() }

// Requests returns the requests answered so far, oldest first: at most
// Options.MaxRequestLog of them (when the log is full its oldest tenth is
// dropped).
func (s *Service) Requests() []Request { return s.log.All() }

// ResetRequests empties the request log.
func (s *Service) ResetRequests() { s.log.Reset() }

// CountRequests returns how many logged requests were of op (all when op is
// empty) and, of those, how many an injected fault held or answered.
func (s *Service) CountRequests(op string) (total, injected int) { return s.log.Count(op) }

func (s *Service) logRequest(r Request) { s.log.Add(r.Op, r.Injected, r) }

// faultError returns the error a fault answers with.
func faultError(f *fakekit.Fault) *opError {
	code := f.Code
	if code == "" {
		code = codeFor(f.Status)
	}
	msg := f.Message
	if msg == "" {
		msg = "Injected failure: " + http.StatusText(f.Status) + "."
	}
	return &opError{status: f.Status, code: code, msg: msg, retryAfter: time.Duration(f.RetryAfterSeconds()) * time.Second}
}

func codeFor(status int) string {
	switch status {
	case http.StatusBadRequest:
		return gw.CodeBadRequest
	case http.StatusUnauthorized:
		return gw.CodeUnauthorized
	case http.StatusForbidden:
		return gw.CodeForbidden
	case http.StatusNotFound:
		return gw.CodeNotFound
	case http.StatusConflict:
		return gw.CodeConflict
	case http.StatusTooManyRequests:
		return gw.CodeTooManyRequests
	case http.StatusServiceUnavailable:
		return gw.CodeUnavailable
	case http.StatusGatewayTimeout:
		return gw.CodeGatewayTimeout
	}
	return gw.CodeInternal
}
