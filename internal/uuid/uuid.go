// Package uuid is the module's one maker of random UUIDs: request ids,
// Repeatability-Request-ID, event ids and the fakes' object ids all come
// from New. IsGUID is its one check of the GUID form (Entra ids). It
// needs only crypto/rand (github.com/google/uuid stays an indirect
// dependency of azcore's, not one of ours).
package uuid

import (
	"crypto/rand"
	"encoding/hex"
)

// New returns a random UUID, version 4 and variant 10 (RFC 9562 §5.4), in
// the canonical 8-4-4-4-12 lowercase hexadecimal form. Its 122 random bits
// come from crypto/rand, whose Read never fails (Go 1.24 and later: it
// crashes the program instead).
func New() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // variant 10
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
	return string(s[:])
}

// IsGUID reports whether s is a GUID (a UUID of any version) in the
// canonical 8-4-4-4-12 hexadecimal form, either case, no braces or prefix:
// the form of Entra tenant, object and client ids. It is the module's one
// GUID check.
func IsGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		switch i {
		case 8, 13, 18, 23:
			if s[i] != '-' {
				return false
			}
		default:
			if !isHex(s[i]) {
				return false
			}
		}
	}
	return true
}

// IsV4 reports whether s is a version 4, variant 10 UUID in the canonical
// 8-4-4-4-12 hexadecimal form (either case, no braces or prefix), as New
// makes them.
func IsV4(s string) bool {
	if !IsGUID(s) || s[14] != '4' {
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
