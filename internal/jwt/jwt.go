// Package jwt reads, signs and verifies compact JSON Web Tokens (JWS compact
// serialization, RFC 7515 and RFC 7519) on the standard library.
//
// Parse splits and decodes a token without verifying it, which is what a
// client needs to read the expiry or the claims of a token it holds.
// VerifyRS256 checks an RS256 signature against a key set (for example a
// JWKS document fetched from an issuer); it is strict on purpose, because it
// guards callback endpoints and caller tokens.
//
// Errors are *Error values. They describe what is wrong in a fixed phrase and
// never contain the token or any part of it, so they are safe to log.
package jwt

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/teamsuser-sdk/teamsuser-go/internal/jsonscan"
)

// MaxTokenSize is the largest token, in bytes, that Parse accepts. Entra ID
// and ACS tokens are a few KiB; anything much larger is refused before it is
// decoded.
const MaxTokenSize = 16 << 10

// AlgRS256 is the JWS algorithm RSASSA-PKCS1-v1_5 with SHA-256.
const AlgRS256 = "RS256"

// Error is the error every function of this package returns. Problem is a
// lowercase phrase that never contains the token or a part of it.
type Error struct {
	// Problem says what is wrong.
	Problem string
}

// Error implements error.
func (e *Error) Error() string { return "jwt: " + e.Problem }

func errorf(problem string) error { return &Error{Problem: problem} }

// Header is the decoded JOSE header of a token.
type Header struct {
	// Alg is the signature algorithm, for example "RS256".
	Alg string `json:"alg"`
	// Kid is the id of the key that signed the token, if given.
	Kid string `json:"kid,omitempty"`
	// Typ is the media type of the token, usually "JWT", if given.
	Typ string `json:"typ,omitempty"`
	// X5t is the base64url SHA-1 thumbprint of the signing certificate, if
	// given (Entra ID sets it to the same value as Kid).
	X5t string `json:"x5t,omitempty"`
	// Crit lists header parameters the recipient must understand. This
	// package understands none, so VerifyRS256 refuses a token that has it.
	Crit []string `json:"crit,omitempty"`
}

// Token is a decoded, not necessarily verified, compact JWS.
type Token struct {
	// Header is the decoded header.
	Header Header
	// Claims holds the payload's members in their order, undecoded (see
	// Claim and the typed accessors).
	Claims Members
	// Payload is the decoded payload, a JSON object.
	Payload []byte
	// Signed is the part of the token the signature covers: the encoded
	// header, a dot, and the encoded payload.
	Signed string
	// Signature is the decoded signature; empty for an unsigned token.
	Signature []byte
}

// String returns a description of the token's header that shows no claim
// values and no signature, so that printing a Token never leaks it.
func (t *Token) String() string {
	if t == nil {
		return "<nil>"
	}
	return "jwt.Token{alg: " + strconv.Quote(t.Header.Alg) + ", kid: " + strconv.Quote(t.Header.Kid) +
		", claims: " + strconv.Itoa(len(t.Claims.list)) + "}"
}

// GoString is String.
func (t *Token) GoString() string { return t.String() }

// Parse splits a compact JWS into header, payload and signature and decodes
// them, without verifying the signature. It refuses tokens larger than
// MaxTokenSize, tokens without exactly three parts, parts that are not
// unpadded base64url, and headers or payloads that are not JSON objects or
// repeat a member name.
func Parse(token string) (*Token, error) {
	if token == "" {
		return nil, errorf("token is empty")
	}
	if len(token) > MaxTokenSize {
		return nil, errorf("token is larger than " + strconv.Itoa(MaxTokenSize) + " bytes")
	}
	if strings.TrimSpace(token) != token {
		return nil, errorf("token has leading or trailing white space")
	}
	if len(token) >= len("bearer ") && strings.EqualFold(token[:len("bearer ")], "bearer ") {
		return nil, errorf("token starts with \"Bearer \"; pass the token without the scheme")
	}
	parts := strings.Split(token, ".")
	switch {
	case len(parts) == 5:
		return nil, errorf("token is encrypted (JWE), which is not supported")
	case len(parts) != 3:
		return nil, errorf("token does not have three dot-separated parts")
	}
	hb, err := decodePart(parts[0])
	if err != nil {
		return nil, errorf("header is not valid unpadded base64url")
	}
	pb, err := decodePart(parts[1])
	if err != nil {
		return nil, errorf("payload is not valid unpadded base64url")
	}
	sig, err := decodePart(parts[2])
	if err != nil {
		return nil, errorf("signature is not valid unpadded base64url")
	}
	hmembers, err := objectMembers(hb)
	if err != nil {
		return nil, errorf("header is not a JSON object" + err.Error())
	}
	var h Header
	if err := readHeader(hmembers, &h); err != nil {
		return nil, err
	}
	claims, err := objectMembers(pb)
	if err != nil {
		return nil, errorf("payload is not a JSON object" + err.Error())
	}
	return &Token{
		Header:    h,
		Claims:    claims,
		Payload:   pb,
		Signed:    token[:len(parts[0])+1+len(parts[1])],
		Signature: sig,
	}, nil
}

func decodePart(s string) ([]byte, error) {
	// RawURLEncoding refuses '=' padding and characters outside the
	// base64url alphabet; Strict refuses non-zero trailing bits, so that
	// one token has exactly one encoding.
	return base64.RawURLEncoding.Strict().DecodeString(s)
}

// memberErr is an error whose text completes "... is not a JSON object".
type memberErr string

func (e memberErr) Error() string { return string(e) }

const (
	errNotObject  memberErr = ""
	errDuplicate  memberErr = " without repeated member names"
	errTrailing   memberErr = " (there is data after it)"
	maxClaimCount           = 1000
	errTooMany    memberErr = " of reasonable size (too many members)"
)

// Members are the members of a JSON object, in their order, their values
// undecoded and pointing into the object's bytes.
type Members struct{ list []member }

type member struct {
	name  []byte // unescaped
	value []byte // the JSON value as written
}

// Names returns the members' names.
func (m Members) Names() []string {
	out := make([]string, len(m.list))
	for i, e := range m.list {
		out[i] = string(e.name)
	}
	return out
}

// Get returns the value of the member name and whether there is one.
func (m Members) Get(name string) (json.RawMessage, bool) {
	for _, e := range m.list {
		if string(e.name) == name {
			return e.value, true
		}
	}
	return nil, false
}

// objectMembers reads a JSON object's members, refusing anything that is
// not exactly one object, and objects that repeat a member name (RFC 7515
// section 4 lets a recipient refuse them, and doing so removes any doubt
// about which value a check saw). Errors never carry the input. The values
// point into data.
func objectMembers(data []byte) (Members, error) {
	b := trimJSONSpace(data)
	end, n := scanObject(b)
	if end < 0 {
		return Members{}, errNotObject
	}
	obj := b[:end]
	if len(trimJSONSpace(b[end:])) > 0 {
		if s := jsonscan.New(obj); s.Skip() != nil && s.End() {
			return Members{}, errTrailing
		}
		return Members{}, errNotObject
	}
	if n > maxClaimCount {
		return Members{}, errTooMany
	}
	// One pass reads and validates the object (jsonscan accepts what
	// json.Valid accepts).
	list := make([]member, 0, n)
	s := jsonscan.New(obj)
	for ok := s.Object(); ok; ok = s.More() {
		quoted, _ := s.Name()
		if s.Failed() {
			break
		}
		name, err := unquote(quoted)
		if err != nil {
			return Members{}, errNotObject
		}
		list = append(list, member{name: name, value: s.Skip()})
	}
	if !s.End() {
		return Members{}, errNotObject
	}
	if repeated(list) {
		return Members{}, errDuplicate
	}
	return Members{list: list}, nil
}

// repeated reports whether two members have the same name.
func repeated(list []member) bool {
	if len(list) <= 32 {
		for i := range list {
			for _, o := range list[i+1:] {
				if string(list[i].name) == string(o.name) {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[string]struct{}, len(list))
	for _, e := range list {
		if _, ok := seen[string(e.name)]; ok {
			return true
		}
		seen[string(e.name)] = struct{}{}
	}
	return false
}

// unquote returns the text of a valid JSON string as encoding/json reads
// it; without escapes and in valid UTF-8 it is the bytes between the quotes.
func unquote(s []byte) ([]byte, error) {
	in := s[1 : len(s)-1]
	if bytes.IndexByte(in, '\\') < 0 && utf8.Valid(in) {
		return in, nil
	}
	var out string
	if err := json.Unmarshal(s, &out); err != nil {
		return nil, err
	}
	return []byte(out), nil
}

func trimJSONSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// scanObject finds the JSON object b starts with: it returns the offset just
// past its closing brace and its number of top-level members (counted by
// top-level commas), or -1 when b does not start with a balanced object. It
// tracks only strings and nesting; json.Unmarshal does the validating.
func scanObject(b []byte) (end, members int) {
	if len(b) == 0 || b[0] != '{' {
		return -1, 0
	}
	depth, commas, inString := 0, 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inString:
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == ',' && depth == 1:
			commas++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				if len(trimJSONSpace(b[1:i])) == 0 {
					return i + 1, 0
				}
				return i + 1, commas + 1
			}
		}
	}
	return -1, 0
}

func readHeader(m Members, h *Header) error {
	raw, ok := m.Get("alg")
	if !ok {
		return errorf("header has no \"alg\"")
	}
	if h.Alg, ok = stringValue(raw); !ok || h.Alg == "" {
		return errorf("header \"alg\" is not a non-empty string")
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"kid", &h.Kid}, {"typ", &h.Typ}, {"x5t", &h.X5t}} {
		if raw, ok := m.Get(f.name); ok && !isNull(raw) {
			if *f.dst, ok = stringValue(raw); !ok {
				return errorf("header \"" + f.name + "\" is not a string")
			}
		}
	}
	if raw, ok := m.Get("crit"); ok {
		if json.Unmarshal(raw, &h.Crit) != nil || len(h.Crit) == 0 {
			return errorf("header \"crit\" is not a non-empty array of strings")
		}
	}
	return nil
}

// Has reports whether the payload has the named claim (even if it is null).
func (t *Token) Has(name string) bool {
	_, ok := t.Claims.Get(name)
	return ok
}

func claimErr(name, problem string) error {
	return errorf("claim " + strconv.Quote(name) + " " + problem)
}

// present returns the claim and whether it is there and not null.
func (t *Token) present(name string) (json.RawMessage, bool) {
	raw, ok := t.Claims.Get(name)
	if !ok || isNull(raw) {
		return nil, false
	}
	return raw, true
}

func isNull(raw []byte) bool { return string(raw) == "null" }

// stringValue reads raw, a valid JSON value, as a string; ok is false
// when it is not one.
func stringValue(raw []byte) (s string, ok bool) {
	if raw[0] != '"' {
		return "", false
	}
	b, err := unquote(raw)
	return string(b), err == nil
}

// isNumber reports whether raw, a valid JSON value, is a number.
func isNumber(raw []byte) bool { return raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9' }

// StringClaim returns a string claim; "" when the claim is absent or null, and an
// error when it is something other than a string.
func (t *Token) StringClaim(name string) (string, error) {
	raw, ok := t.present(name)
	if !ok {
		return "", nil
	}
	s, ok := stringValue(raw)
	if !ok {
		return "", claimErr(name, "is not a string")
	}
	return s, nil
}

// Strings returns a claim that is a string or an array of strings, as the
// "aud" claim may be (RFC 7519 section 4.1.3); nil when the claim is absent
// or null.
func (t *Token) Strings(name string) ([]string, error) {
	raw, ok := t.present(name)
	if !ok {
		return nil, nil
	}
	if s, ok := stringValue(raw); ok {
		return []string{s}, nil
	}
	var ss []string
	if json.Unmarshal(raw, &ss) != nil {
		return nil, claimErr(name, "is not a string or an array of strings")
	}
	return ss, nil
}

// StringOrNumber returns a claim that may be a string or a JSON number, as
// text: a number is returned as it is written in the payload. It returns ""
// when the claim is absent or null.
func (t *Token) StringOrNumber(name string) (string, error) {
	raw, ok := t.present(name)
	if !ok {
		return "", nil
	}
	if s, ok := stringValue(raw); ok {
		return s, nil
	}
	if !isNumber(raw) {
		return "", claimErr(name, "is not a string or a number")
	}
	return string(raw), nil
}

// Int64 returns an integer claim written as a JSON number or as a string of
// decimal digits; 0 when the claim is absent or null.
func (t *Token) Int64(name string) (int64, error) {
	s, err := t.StringOrNumber(name)
	if err != nil || s == "" {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, claimErr(name, "is not an integer")
	}
	return n, nil
}

// maxNumericDate is the end of year 9999, a bound that keeps time arithmetic
// far from overflow.
const maxNumericDate = 253402300799

// Time returns a NumericDate claim (seconds since the Unix epoch, possibly
// fractional, RFC 7519 section 2) as a UTC time; the zero time when the claim
// is absent or null. Negative values and values past year 9999 are errors.
func (t *Token) Time(name string) (time.Time, error) {
	raw, ok := t.present(name)
	if !ok {
		return time.Time{}, nil
	}
	if !isNumber(raw) {
		return time.Time{}, claimErr(name, "is not a NumericDate (a number of seconds)")
	}
	n := string(raw)
	if i, err := strconv.ParseInt(n, 10, 64); err == nil {
		if i < 0 || i > maxNumericDate {
			return time.Time{}, claimErr(name, "is out of range")
		}
		return time.Unix(i, 0).UTC(), nil
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > maxNumericDate {
		return time.Time{}, claimErr(name, "is out of range")
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

// Decode unmarshals the whole payload into v, for example a struct with json
// tags. Its error never contains the payload.
func (t *Token) Decode(v any) error {
	if json.Unmarshal(t.Payload, v) != nil {
		return errorf("payload does not match the expected claim types")
	}
	return nil
}

// SignRS256 returns a compact JWS of claims (marshalled with encoding/json;
// it must marshal to a JSON object) signed with key using RS256. kid, when
// not empty, goes into the header as "kid"; the header's "typ" is "JWT".
func SignRS256(claims any, kid string, key *rsa.PrivateKey) (string, error) {
	return Sign(Header{Alg: AlgRS256, Kid: kid, Typ: "JWT"}, claims, key)
}

// Sign is SignRS256 with a header of the caller's choosing, for tokens that
// carry more header parameters (Entra ID's "x5t"). h.Alg must be RS256.
func Sign(h Header, claims any, key *rsa.PrivateKey) (string, error) {
	if h.Alg != AlgRS256 {
		return "", errorf("only RS256 signing is supported")
	}
	if key == nil {
		return "", errorf("signing key is nil")
	}
	hb, err := json.Marshal(h)
	if err != nil {
		return "", errorf("header cannot be encoded")
	}
	pb, err := json.Marshal(claims)
	if err != nil {
		return "", errorf("claims cannot be encoded as JSON")
	}
	if _, err := objectMembers(pb); err != nil {
		return "", errorf("claims are not a JSON object")
	}
	signed := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(pb)
	if len(signed)+1+base64.RawURLEncoding.EncodedLen(key.Size()) > MaxTokenSize {
		return "", errorf("token would be larger than " + strconv.Itoa(MaxTokenSize) + " bytes")
	}
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", errorf("signing failed")
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// KeySet finds the public key that verifies tokens with a given key id.
// JWKS implements it.
type KeySet interface {
	// Key returns the RSA public key with that kid, or an error if there
	// is none.
	Key(kid string) (*rsa.PublicKey, error)
}

// KeySetFunc adapts a function to KeySet.
type KeySetFunc func(kid string) (*rsa.PublicKey, error)

// Key calls f.
func (f KeySetFunc) Key(kid string) (*rsa.PublicKey, error) { return f(kid) }

// VerifyRS256 checks that token is a well-formed compact JWS with alg RS256,
// a kid that keys knows, no "crit" header, and a valid signature by that key.
// It checks no claims: the caller checks issuer, audience and times.
func VerifyRS256(token string, keys KeySet) error {
	_, err := ParseVerifiedRS256(token, keys)
	return err
}

// ParseVerifiedRS256 is VerifyRS256 that also returns the parsed token, so
// that the caller can check its claims without parsing it again.
func ParseVerifiedRS256(token string, keys KeySet) (*Token, error) {
	if keys == nil {
		return nil, errorf("no key set to verify with")
	}
	t, err := Parse(token)
	if err != nil {
		return nil, err
	}
	if t.Header.Alg != AlgRS256 {
		return nil, errorf("header \"alg\" is not RS256")
	}
	if len(t.Header.Crit) > 0 {
		return nil, errorf("header has \"crit\" parameters, which are not supported")
	}
	if t.Header.Kid == "" {
		return nil, errorf("header has no \"kid\"")
	}
	pub, err := keys.Key(t.Header.Kid)
	if err != nil {
		var je *Error
		if errors.As(err, &je) {
			return nil, err
		}
		return nil, errorf("no usable key for the token's kid")
	}
	if pub == nil {
		return nil, errorf("no usable key for the token's kid")
	}
	if pub.N == nil || pub.N.BitLen() < minRSABits {
		return nil, errorf("verification key is shorter than 2048 bits")
	}
	if len(t.Signature) != pub.Size() {
		return nil, errorf("signature length does not match the key size")
	}
	sum := sha256.Sum256([]byte(t.Signed))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], t.Signature) != nil {
		return nil, errorf("signature is not valid")
	}
	return t, nil
}

const minRSABits = 2048
