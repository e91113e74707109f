package hmacauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Problem says what made [Verify] reject a request.
type Problem int

// The problems [Verify] reports.
const (
	// MissingHeader: a required header (named in VerifyError.Header) is absent.
	MissingHeader Problem = iota + 1
	// BadScheme: the Authorization header does not use the HMAC-SHA256 scheme.
	BadScheme
	// MalformedAuthorization: the Authorization parameters are not
	// SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64>.
	MalformedAuthorization
	// MalformedDate: x-ms-date is not an RFC 1123 GMT date.
	MalformedDate
	// StaleDate: x-ms-date is further from the verifier's clock than allowed.
	StaleDate
	// ContentHashMismatch: x-ms-content-sha256 is not the hash of the body.
	ContentHashMismatch
	// SignatureMismatch: the signature does not match the request and key.
	SignatureMismatch
)

// String returns a short lower-case description of p.
func (p Problem) String() string {
	switch p {
	case MissingHeader:
		return "missing header"
	case BadScheme:
		return "bad authorization scheme"
	case MalformedAuthorization:
		return "malformed authorization header"
	case MalformedDate:
		return "malformed date"
	case StaleDate:
		return "stale date"
	case ContentHashMismatch:
		return "content hash mismatch"
	case SignatureMismatch:
		return "signature mismatch"
	}
	return fmt.Sprintf("problem(%d)", int(p))
}

// VerifyError is the error [Verify] returns. Its message says what was wrong
// and never contains the key, the signature or the string-to-sign.
type VerifyError struct {
	// Problem is what was wrong.
	Problem Problem
	// Header names the header concerned, when there is one.
	Header string
	// Skew is, for StaleDate, how far the request's date is from the
	// verifier's clock (positive: in the past).
	Skew time.Duration
	// MaxSkew is, for StaleDate, the skew that was allowed.
	MaxSkew time.Duration
}

// Error describes the problem.
func (e *VerifyError) Error() string {
	msg := "hmac verification failed: " + e.Problem.String()
	switch {
	case e.Problem == StaleDate:
		msg += fmt.Sprintf(": %s is %s from the server's clock, more than %s", HeaderDate, e.Skew, e.MaxSkew)
	case e.Header != "":
		msg += ": " + e.Header
	}
	return msg
}

// Verify checks that r, whose body (already read) is body, carries a valid
// ACS HMAC-SHA256 signature made with key, the decoded access key: the
// Authorization header has the HMAC-SHA256 scheme and the expected signed
// headers, x-ms-date is within maxSkew of now (DefaultMaxSkew when maxSkew is
// zero or less), x-ms-content-sha256 is the hash of body, and the signature
// matches, compared in constant time.
//
// The signed host is r.Host in canonical form for the scheme r arrived by
// (https when r.TLS is set); the signed target is r.RequestURI (r.URL's when
// empty, as in requests built for a handler test). Any failure is a
// *VerifyError.
func Verify(r *http.Request, body []byte, key []byte, now time.Time, maxSkew time.Duration) error {
	if maxSkew <= 0 {
		maxSkew = DefaultMaxSkew
	}
	auth := r.Header.Get(HeaderAuthorization)
	if auth == "" {
		return &VerifyError{Problem: MissingHeader, Header: HeaderAuthorization}
	}
	scheme, params, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, Scheme) {
		return &VerifyError{Problem: BadScheme, Header: HeaderAuthorization}
	}
	given, err := parseAuthParams(strings.TrimSpace(params))
	if err != nil {
		return err
	}

	date := r.Header.Get(HeaderDate)
	if date == "" {
		return &VerifyError{Problem: MissingHeader, Header: HeaderDate}
	}
	t, perr := time.Parse(http.TimeFormat, date)
	if perr != nil {
		return &VerifyError{Problem: MalformedDate, Header: HeaderDate}
	}
	if skew := now.Sub(t); skew > maxSkew || skew < -maxSkew {
		return &VerifyError{Problem: StaleDate, Header: HeaderDate, Skew: skew, MaxSkew: maxSkew}
	}

	contentHash := r.Header.Get(HeaderContentSHA256)
	if contentHash == "" {
		return &VerifyError{Problem: MissingHeader, Header: HeaderContentSHA256}
	}
	if subtle.ConstantTimeCompare([]byte(contentHash), []byte(ContentHash(body))) != 1 {
		return &VerifyError{Problem: ContentHashMismatch, Header: HeaderContentSHA256}
	}

	scheme = "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := CanonicalHost(scheme, r.Host)
	mac := hmac.New(sha256.New, key)
	io.WriteString(mac, StringToSign(r.Method, requestTarget(r), date, host, contentHash))
	if !hmac.Equal(mac.Sum(nil), given) {
		return &VerifyError{Problem: SignatureMismatch, Header: HeaderAuthorization}
	}
	return nil
}

// parseAuthParams checks the parameters of an HMAC-SHA256 Authorization
// header and returns the decoded signature.
func parseAuthParams(params string) ([]byte, error) {
	malformed := &VerifyError{Problem: MalformedAuthorization, Header: HeaderAuthorization}
	var signedHeaders, signature string
	var seenHeaders, seenSig bool
	for _, kv := range strings.Split(params, "&") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, malformed
		}
		switch {
		case strings.EqualFold(k, "SignedHeaders") && !seenHeaders:
			signedHeaders, seenHeaders = v, true
		case strings.EqualFold(k, "Signature") && !seenSig:
			signature, seenSig = v, true
		default:
			return nil, malformed
		}
	}
	if !seenHeaders || !seenSig || !strings.EqualFold(signedHeaders, SignedHeaders) {
		return nil, malformed
	}
	sig, err := base64.StdEncoding.DecodeString(signature)
	if err != nil || len(sig) != sha256.Size {
		return nil, malformed
	}
	return sig, nil
}

// requestTarget returns the signed path and query of a request received by
// a server.
func requestTarget(r *http.Request) string {
	target := r.RequestURI
	switch {
	case target == "" && r.URL != nil:
		target = r.URL.RequestURI()
	case target != "" && !strings.HasPrefix(target, "/"):
		// Absolute form, as a proxy receives it.
		if u, err := url.ParseRequestURI(target); err == nil {
			target = u.RequestURI()
		}
	}
	return PathAndQuery(target)
}
