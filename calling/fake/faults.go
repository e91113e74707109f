package fake

import (
	"context"
	"errors"
	"time"
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
// both faces. Faults count requests; they never draw random numbers.
type Fault struct {
	// Op limits the fault to one operation (OpCreateCall, ...); empty
	// matches every operation.
	Op string
	// Status is the HTTP status to answer with, for example 429 or 503.
	// Zero with Delay only delays; zero with Drop only drops.
	Status int
	// Code is the error code in the body; empty means one that fits
	// Status ("TooManyRequests" for 429, ...).
	Code string
	// Message is the error message; empty means a generic one.
	Message string
	// RetryAfter, when positive, is sent as the Retry-After header (whole
	// seconds, rounded up), on the Go face too (in the error's response).
	RetryAfter time.Duration
	// Times is how many matching requests the fault applies to; zero means
	// once.
	Times int
	// Skip lets this many matching requests through before the fault
	// applies.
	Skip int
	// AfterProcessing makes the request take effect before the failure is
	// answered, as when a response is lost: a call is created, then 500 is
	// returned. A client that retries with the same Repeatability-Request-ID
	// gets the first outcome replayed; one that retries without it acts
	// twice. Without AfterProcessing the request fails before anything
	// happens (as a 429 does).
	AfterProcessing bool
	// Delay holds the answer this long (real time, or until the request's
	// context ends) before it is given.
	Delay time.Duration
	// Drop, on the HTTP face, closes the connection without an answer; on
	// the Go face the call fails with ErrDropped.
	Drop bool
}

// ErrDropped is the Go face's error for a request a Fault with Drop lost.
var ErrDropped = errors.New("fake: the connection was dropped (injected fault)")

type faultState struct {
	f       Fault
	seen    int
	applied int
}

// InjectFault adds a fault. Faults are tried in the order they were
// injected; the first that applies to a request wins.
func (sb *Switchboard) InjectFault(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	sb.faults = append(sb.faults, &faultState{f: f})
}

// ClearFaults removes every fault.
func (sb *Switchboard) ClearFaults() {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	sb.faults = nil
}

// FaultsApplied returns how many requests the injected faults have failed
// or delayed so far.
func (sb *Switchboard) FaultsApplied() int {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	n := 0
	for _, f := range sb.faults {
		n += f.applied
	}
	return n
}

// takeFault returns the fault that applies to this request of op, if any.
func (sb *Switchboard) takeFault(op string) *Fault {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	for _, fs := range sb.faults {
		if fs.f.Op != "" && fs.f.Op != op {
			continue
		}
		if fs.applied >= fs.f.Times {
			continue
		}
		fs.seen++
		if fs.seen <= fs.f.Skip {
			continue
		}
		fs.applied++
		f := fs.f
		return &f
	}
	return nil
}

func (f *Fault) apiError() *apiError {
	if f == nil || f.Status == 0 {
		return nil
	}
	code, msg := f.Code, f.Message
	if code == "" {
		code = codeFor(f.Status)
	}
	if msg == "" {
		msg = "Injected fault."
	}
	return &apiError{status: f.Status, code: code, msg: msg, retryAfter: f.RetryAfter}
}

// wait holds a request for the fault's delay.
func (f *Fault) wait(ctx context.Context) error {
	if f == nil || f.Delay <= 0 {
		return nil
	}
	t := time.NewTimer(f.Delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Request is one request the switchboard received, on either face.
type Request struct {
	// Op is the operation, one of the Op constants ("" for a request the
	// HTTP face could not route).
	Op string
	// Face is "go" or "http".
	Face string
	// Method and Path are those of the HTTP request (the Go face fills in
	// the request the real client would have sent).
	Method, Path string
	// Status is the HTTP status answered (the Go face: the status of the
	// error returned, or the success status).
	Status int
	// RepeatabilityID is the Repeatability-Request-ID, if any.
	RepeatabilityID string
	// Replayed is true when the answer was replayed from an earlier request
	// with the same Repeatability-Request-ID.
	Replayed bool
	// Fault is true when an injected fault decided the answer.
	Fault bool
}

// maxRequestLog bounds the request log.
const maxRequestLog = 100_000

func (sb *Switchboard) logRequest(r Request) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if len(sb.requests) >= maxRequestLog {
		n := copy(sb.requests, sb.requests[maxRequestLog/10:])
		sb.requests = sb.requests[:n]
	}
	sb.requests = append(sb.requests, r)
}

// Requests returns the requests received so far, oldest first (at most the
// last 100,000).
func (sb *Switchboard) Requests() []Request {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return append([]Request(nil), sb.requests...)
}
