package fake

import (
	"errors"
	"net/http"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
)

// The three fakes (this package, chat/fake and calling/fake) share one fault
// model and one request log: Fault and Request are declared here, the
// lowest of them, and the others name these types; each fake has the same
// methods InjectFault, ClearFaults, FaultsApplied, Requests, ResetRequests
// and CountRequests. Only the operation names (Fault.Op, Request.Op) are
// each fake's own.

// Operation names of this fake, for Fault.Op and Request.Op.
const (
	OpCreateUser                     = "create"
	OpGetUser                        = "get"
	OpIssueToken                     = "issue"
	OpRevokeTokens                   = "revoke"
	OpDeleteUser                     = "delete"
	OpExchangeTeamsUserToken         = "exchange"
	OpExchangeTeamsPhoneToken        = "exchangeTeamsPhone"
	OpPutTeamsExtensionAssignment    = "putAssignment"
	OpGetTeamsExtensionAssignment    = "getAssignment"
	OpDeleteTeamsExtensionAssignment = "deleteAssignment"
)

// Fault is a failure a fake injects into matching requests, on both of its
// faces: the fault model of identity/fake, chat/fake and calling/fake.
// Faults are deterministic: they count requests and never draw random
// numbers. The zero Fault applies once to the next request and changes
// nothing.
type Fault struct {
	// Op limits the fault to one operation of the fake (this package's
	// OpCreateUser, chat/fake's OpSendMessage, calling/fake's
	// OpCreateCall, ...); empty matches every operation.
	Op string
	// Status is the HTTP status to answer with, for example 429 or 503;
	// zero answers nothing of the fault's own (Delay or Hang only hold the
	// request, Drop only drops it).
	Status int
	// Code is the error code in the body; empty means the one that fits
	// Status in the fake's service ("TooManyRequests" for 429, ...).
	Code string
	// Message is the error message; empty means a generic one.
	Message string
	// RetryAfter, when positive, is sent as the Retry-After header, in whole
	// seconds rounded up, and is in the Go face's error as the client would
	// read it.
	RetryAfter time.Duration
	// Delay holds the request this long (real time), or until its context
	// ends, before the fault or the operation answers.
	Delay time.Duration
	// Hang holds the request until its context ends: it is never answered
	// and never takes effect.
	Hang bool
	// Drop answers nothing: the HTTP face closes the connection, and the Go
	// face returns ErrDropped, an error that is not the service's.
	Drop bool
	// AfterProcessing lets the request take effect before the fault
	// answers (a call is created, a message stored, then 500, 504 or a
	// dropped connection), as when an answer is lost on its way back: a
	// client that retries such a request without the service's means to
	// recognise it acts twice. Without it the request fails before anything
	// happens, as a 429 does.
	AfterProcessing bool
	// Times is how many matching requests the fault applies to; zero means
	// once, or every one when Ratio is set.
	Times int
	// Skip lets this many matching requests through before the fault
	// applies.
	Skip int
	// Ratio, between 0 and 1, applies the fault to that share of the
	// matching requests, spread evenly and exactly: with 0.3, 3 of every 10
	// consecutive ones (never two in a row below 0.5).
	Ratio float64
}

// ErrDropped is the Go face's error for a request that a Fault with Drop
// lost. Like a real client's transport error, it is not the service's
// error (*azcore.ResponseError, *chat.Error).
var ErrDropped = errors.New("fake: the connection was dropped (injected fault)")

// Request is one request a fake answered, on either face, for tests to
// inspect: the request log of identity/fake, chat/fake and calling/fake.
type Request struct {
	// Face is "go" or "http".
	Face string
	// Op is the operation (see Fault.Op); empty for a request the HTTP face
	// could not route.
	Op string
	// Method and Path are those of the HTTP request; the Go face logs the
	// request the real client would have sent. Path is unescaped.
	Method, Path string
	// Query is the raw query of an HTTP request (chat/fake's Go face logs
	// the one the client would have sent).
	Query string
	// Status is the HTTP status answered; zero when nothing was (a dropped
	// connection, a request whose context ended first).
	Status int
	// Injected reports that an injected Fault held or answered the request.
	Injected bool
	// At is when the request arrived, by the fake's clock.
	At time.Time
	// UserID is the signed-in user (chat/fake); empty elsewhere.
	UserID string
	// Body is the request body of chat/fake's HTTP face (never the
	// Authorization header); nil elsewhere.
	Body []byte
	// RepeatabilityID is the Repeatability-Request-ID of a calling/fake
	// request, if any.
	RepeatabilityID string
	// Replayed is true when calling/fake answered from an earlier request
	// with the same Repeatability-Request-ID.
	Replayed bool
}

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

// logRequest logs r.
func (s *Service) logRequest(r Request) { s.log.Add(r.Op, r.Injected, r) }

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

func codeFor(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable"
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusForbidden:
		return "Forbidden"
	default:
		if status >= 500 {
			return "InternalServerError"
		}
		return "BadRequest"
	}
}
