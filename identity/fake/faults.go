package fake

import (
	"net/http"
	"time"
)

// Fault is a failure the service injects into its next matching requests,
// on both faces.
type Fault struct {
	// Op limits the fault to one operation: "create", "get", "issue",
	// "revoke", "delete", "exchange", "exchangeTeamsPhone", "putAssignment",
	// "getAssignment" or "deleteAssignment"; empty matches every operation.
	Op string
	// Status is the HTTP status to answer with, for example 429 or 503.
	Status int
	// Code is the error code in the body; empty means one that fits Status.
	Code string
	// RetryAfter, when positive, is sent as the Retry-After header.
	RetryAfter time.Duration
	// Times is how many requests the fault applies to; zero means once.
	Times int
	// Delay, on the HTTP face, holds the response this long first (or until
	// the request's context ends). With Status zero only the delay applies.
	Delay time.Duration
}

// InjectFault queues a fault. Faults apply in the order they were injected.
func (s *Service) InjectFault(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every pending fault.
func (s *Service) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault consumes the first fault matching op, if any, and returns the
// error it answers with. Delays are taken separately by the HTTP face. Call
// with s.mu held.
func (s *Service) takeFault(op string) *apiError {
	for i, f := range s.faults {
		if (f.Op != "" && f.Op != op) || f.Status == 0 {
			continue
		}
		f.Times--
		if f.Times == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		code := f.Code
		if code == "" {
			code = codeFor(f.Status)
		}
		return &apiError{status: f.Status, code: code, msg: "Injected fault.", retryAfter: f.RetryAfter}
	}
	return nil
}

// takeDelay consumes the first delay-only fault matching op.
func (s *Service) takeDelay(op string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if (f.Op != "" && f.Op != op) || f.Status != 0 || f.Delay <= 0 {
			continue
		}
		f.Times--
		if f.Times == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return f.Delay
	}
	return 0
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
