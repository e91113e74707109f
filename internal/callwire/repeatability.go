package callwire

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"time"
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

// NewRepeatability returns a fresh pair: a UUID v4 from crypto/rand and now,
// truncated to the second as the header carries it.
func NewRepeatability(now time.Time) (Repeatability, error) {
	id, err := NewUUID()
	if err != nil {
		return Repeatability{}, err
	}
	return Repeatability{RequestID: id, FirstSent: now.UTC().Truncate(time.Second)}, nil
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
	case !IsUUIDv4(id):
		return Repeatability{}, errors.New(HeaderRepeatabilityRequestID + " is not a version 4 uuid")
	}
	t, err := time.Parse(http.TimeFormat, sent)
	if err != nil {
		return Repeatability{}, errors.New(HeaderRepeatabilityFirstSent + " is not an rfc 1123 date in gmt")
	}
	return Repeatability{RequestID: id, FirstSent: t}, nil
}

// NewUUID returns a random (version 4, variant 10) UUID from crypto/rand in
// the canonical 8-4-4-4-12 lowercase hex form.
func NewUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], b[10:16])
	return string(s[:]), nil
}

// IsUUIDv4 reports whether s is a UUID in the canonical 8-4-4-4-12 hex form
// (either case) with version 4 and the RFC 4122 variant.
func IsUUIDv4(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
			continue
		}
		if !isHex(c) {
			return false
		}
	}
	if s[14] != '4' {
		return false
	}
	switch s[19] {
	case '8', '9', 'a', 'b', 'A', 'B':
		return true
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
