package fake

import (
	"math"
	"net/http"
	"time"

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
	OpGetPresence           = "getPresence"
	OpGetPresences          = "getPresences"
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
// faces. Faults are deterministic: they count requests, they never draw
// random numbers.
type Fault struct {
	// Op limits the fault to one operation (OpSendMessage, …); empty matches
	// every operation.
	Op string
	// Status is the HTTP status to answer with, for example 429 or 503.
	// Zero with Delay only delays; zero with Drop only drops.
	Status int
	// Code is Graph's error code in the body; empty means the one that fits
	// Status ("TooManyRequests" for 429, …).
	Code string
	// Message is the error message; empty means a generic one.
	Message string
	// RetryAfter, when positive, is sent as the Retry-After header (whole
	// seconds, rounded up) and set in chat.Error.RetryAfter on the Go face.
	RetryAfter time.Duration
	// Times is how many requests the fault applies to; zero means once, or
	// without limit when Ratio is set.
	Times int
	// Ratio, between 0 and 1, applies the fault to that share of the
	// matching requests, spread evenly: with 0.3 exactly 3 of every 10
	// consecutive matching requests fail (never two in a row below 0.5).
	Ratio float64
	// AfterProcessing makes the request take effect before the failure is
	// answered (a message is stored, then 500 or 504 is returned), as when a
	// response is lost: a client that retries such a POST posts twice.
	// Without it the request fails before anything happens (as 429 does).
	AfterProcessing bool
	// Delay holds the answer this long (or until the request's context
	// ends) before it is given.
	Delay time.Duration
	// Drop, on the HTTP face, closes the connection without an answer; on
	// the Go face the call fails with an error that is not a *chat.Error.
	Drop bool
}

type faultState struct {
	f       Fault
	seen    int // matching requests seen
	applied int
}

// Inject adds a fault. Faults are tried in the order they were injected;
// the first that applies to a request wins.
func (s *Service) Inject(f Fault) {
	if f.Ratio < 0 {
		f.Ratio = 0
	}
	if f.Ratio > 1 {
		f.Ratio = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultState{f: f})
}

// ClearFaults removes every fault.
func (s *Service) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// FaultsApplied returns how many requests the injected faults have failed
// so far, in total.
func (s *Service) FaultsApplied() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.faults {
		n += f.applied
	}
	return n
}

// takeFault returns the fault that applies to this request of op, if any.
func (s *Service) takeFault(op string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, fs := range s.faults {
		f := &fs.f
		if f.Op != "" && f.Op != op {
			continue
		}
		limit := f.Times
		if limit == 0 && f.Ratio == 0 {
			limit = 1
		}
		if limit > 0 && fs.applied >= limit {
			continue
		}
		fs.seen++
		if f.Ratio > 0 {
			// Apply when the running share floor(seen*ratio) grows.
			if math.Floor(float64(fs.seen)*f.Ratio+1e-9) <= math.Floor(float64(fs.seen-1)*f.Ratio+1e-9) {
				continue
			}
		}
		fs.applied++
		cp := *f
		return &cp
	}
	return nil
}

// errorOf returns the error a fault answers with; nil when it only delays
// or drops.
func (f *Fault) errorOf() *opError {
	if f.Status == 0 {
		return nil
	}
	code := f.Code
	if code == "" {
		code = codeFor(f.Status)
	}
	msg := f.Message
	if msg == "" {
		msg = "Injected failure: " + http.StatusText(f.Status) + "."
	}
	ra := f.RetryAfter
	if ra > 0 {
		ra = time.Duration(math.Ceil(ra.Seconds())) * time.Second
	}
	return &opError{status: f.Status, code: code, msg: msg, retryAfter: ra}
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

// Request is one request the service answered, for tests to inspect.
type Request struct {
	// Face is "go" or "http".
	Face string
	// Op is the operation (OpSendMessage, …); empty for an unknown path.
	Op string
	// Method and Path are the HTTP method and the unescaped path
	// (/v1.0/chats/19:…/messages); the Go face logs the ones the client
	// would use.
	Method, Path string
	// Query is the raw query.
	Query string
	// UserID is the signed-in user; empty if the request was not
	// authenticated.
	UserID string
	// Status is the status answered (0 for a dropped connection).
	Status int
	// Injected reports that a Fault decided the answer.
	Injected bool
	// Body is the request body of the HTTP face (never the Authorization
	// header); nil on the Go face.
	Body []byte
	// At is when the request arrived, by the service's clock.
	At time.Time
}

func (s *Service) logRequest(r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.log) >= s.opts.MaxRequestLog {
		// Drop the oldest tenth at once, so a full log costs one copy per
		// tenth of its size rather than one per request.
		drop := len(s.log) - s.opts.MaxRequestLog + 1 + s.opts.MaxRequestLog/10
		drop = min(drop, len(s.log))
		s.log = append(s.log[:0], s.log[drop:]...)
	}
	s.log = append(s.log, r)
}

// Requests returns the requests answered so far, oldest first (at most
// Options.MaxRequestLog of them; when the log is full its oldest tenth is
// dropped).
func (s *Service) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ResetRequests empties the request log.
func (s *Service) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// CountRequests returns how many logged requests were of op (all when op is
// empty) and, of those, how many a fault answered.
func (s *Service) CountRequests(op string) (total, injected int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.log {
		if op == "" || r.Op == op {
			total++
			if r.Injected {
				injected++
			}
		}
	}
	return total, injected
}
