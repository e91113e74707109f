package callwire

import (
	"errors"
	"net/http"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// Headers of the repeatable-request protocol (OASIS Repeatable Requests
// Version 1.0, as the ACS data plane implements it).
const (
	HeaderRepeatabilityRequestID = "Repeatability-Request-ID"
	HeaderRepeatabilityFirstSent = "Repeatability-First-Sent"
	HeaderRepeatabilityResult    = "Repeatability-Result"
)

// Repeatability is the pair of headers that makes a POST safe to retry: the
// service executes a request id once and answers its repeats from memory.
type Repeatability struct {
	// RequestID is a random (version 4) UUID in its canonical text form.
	RequestID string
	// FirstSent is when the request was first sent, to the second.
	FirstSent time.Time
}

// NewRepeatability returns a fresh pair: a new UUID v4 and now, truncated
// to the second as the header carries it.
func NewRepeatability(now time.Time) Repeatability {
	return Repeatability{RequestID: uuid.New(), FirstSent: now.UTC().Truncate(time.Second)}
}

// Set writes the pair into h. FirstSent is written in the IMF-fixdate form
// (RFC 1123 in GMT), as net/http formats dates.
func (r Repeatability) Set(h http.Header) {
	h.Set(HeaderRepeatabilityRequestID, r.RequestID)
	h.Set(HeaderRepeatabilityFirstSent, r.FirstSent.UTC().Format(http.TimeFormat))
}

// ErrNoRepeatability is returned by ParseRepeatability for a request that
// carries neither header (which the service accepts: the headers are optional).
var ErrNoRepeatability = errors.New("no repeatability headers")

// ParseRepeatability reads and checks the pair from a request's headers, as
// the service does: both present or neither, the id a version 4 UUID, the
// date in IMF-fixdate form. Errors other than ErrNoRepeatability describe the
// fault in a lowercase phrase.
func ParseRepeatability(h http.Header) (Repeatability, error) {
	id, sent := h.Get(HeaderRepeatabilityRequestID), h.Get(HeaderRepeatabilityFirstSent)
	switch {
	case id == "" && sent == "":
		return Repeatability{}, ErrNoRepeatability
	case id == "":
		return Repeatability{}, errors.New(HeaderRepeatabilityFirstSent + " without " + HeaderRepeatabilityRequestID)
	case sent == "":
		return Repeatability{}, errors.New(HeaderRepeatabilityRequestID + " without " + HeaderRepeatabilityFirstSent)
	case !uuid.IsV4(id):
		return Repeatability{}, errors.New(HeaderRepeatabilityRequestID + " is not a version 4 uuid")
	}
	t, err := time.Parse(http.TimeFormat, sent)
	if err != nil {
		return Repeatability{}, errors.New(HeaderRepeatabilityFirstSent + " is not an rfc 1123 date in gmt")
	}
	return Repeatability{RequestID: id, FirstSent: t}, nil
}
