// Package hmacauth implements the HMAC-SHA256 access-key authentication of
// the Azure Communication Services (ACS) data plane: the one implementation of
// the format in this module, used by the clients (through [NewPolicy]) and by
// the fake services (through [Verify]).
//
// A request is signed over the string
//
//	VERB + "\n" + pathAndQuery + "\n" + date + ";" + host + ";" + contentHash
//
// where
//   - VERB is the upper-case HTTP method;
//   - pathAndQuery is the request target as sent on the wire: the escaped path
//     (never empty, "/" at least), then "?" and the raw query when the query
//     is not empty;
//   - date is the value of the x-ms-date header, RFC 1123 in GMT
//     ([net/http.TimeFormat]);
//   - host is the Host header: the URL's host in lower case, without the
//     port when the port is the scheme's default (443 for https, 80 for
//     http), with it otherwise;
//   - contentHash is the value of the x-ms-content-sha256 header, the standard
//     base64 of the SHA-256 of the body (of zero bytes when there is none).
//
// The signature is the standard base64 of HMAC-SHA256 over that string, keyed
// with the base64-decoded access key, and travels in
//
//	Authorization: HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64>
//
// These details match what the official JavaScript SDK sends
// (testdata/js_vectors.json) and the .NET SDK's HMAC policy, with one
// difference: the JavaScript policy signs the query as URLSearchParams
// re-serialises it (a space escaped as %20 is signed as "+"), while this
// package, like .NET, signs the query exactly as sent. The two agree for every
// query the ACS clients send (api-version and plain tokens).
//
// Nothing in this package logs, or puts in an error, the key, a signature or
// a string-to-sign.
package hmacauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Header names and fixed values of the scheme.
const (
	// HeaderDate carries the request time the signature covers.
	HeaderDate = "x-ms-date"
	// HeaderContentSHA256 carries the base64 SHA-256 of the request body.
	HeaderContentSHA256 = "x-ms-content-sha256"
	// HeaderAuthorization carries the scheme, the signed headers and the signature.
	HeaderAuthorization = "Authorization"
	// Scheme is the authorization scheme name.
	Scheme = "HMAC-SHA256"
	// SignedHeaders lists, in order, the headers the string-to-sign covers.
	SignedHeaders = "x-ms-date;host;x-ms-content-sha256"
)

// DefaultMaxSkew is the clock skew [Verify] allows when given a maxSkew of
// zero or less.
const DefaultMaxSkew = 15 * time.Minute

// errEmptyKey is returned for every request of a policy built without a key.
var errEmptyKey = errors.New("hmacauth: the access key is empty")

// ContentHash returns the standard base64 encoding of the SHA-256 digest of
// body, the value of the x-ms-content-sha256 header. A nil or empty body
// hashes to "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".
func ContentHash(body []byte) string {
	sum := sha256.Sum256(body)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// StringToSign returns the string an ACS HMAC signature covers. method is
// upper-cased; the other arguments are used as given, so pass pathAndQuery
// as sent (see [PathAndQuery]), host in its canonical form (see
// [CanonicalHost]), date formatted with [net/http.TimeFormat] and contentHash
// from [ContentHash].
//
// The result is as secret as the request it describes is sensitive and must
// not be logged.
func StringToSign(method, pathAndQuery, date, host, contentHash string) string {
	var b strings.Builder
	b.Grow(len(method) + len(pathAndQuery) + len(date) + len(host) + len(contentHash) + 4)
	b.WriteString(strings.ToUpper(method))
	b.WriteByte('\n')
	b.WriteString(pathAndQuery)
	b.WriteByte('\n')
	b.WriteString(date)
	b.WriteByte(';')
	b.WriteString(host)
	b.WriteByte(';')
	b.WriteString(contentHash)
	return b.String()
}

// Signature returns the standard base64 encoding of HMAC-SHA256 of
// stringToSign keyed with key, the decoded access key.
func Signature(key []byte, stringToSign string) string {
	m := hmac.New(sha256.New, key)
	io.WriteString(m, stringToSign)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// AuthorizationHeader returns the value of the Authorization header that
// carries signature.
func AuthorizationHeader(signature string) string {
	return Scheme + " SignedHeaders=" + SignedHeaders + "&Signature=" + signature
}

// CanonicalHost returns the host form that is signed and sent: host in lower
// case, without the port when it is the default one of scheme ("https": 443,
// "http": 80).
func CanonicalHost(scheme, host string) string {
	host = strings.ToLower(host)
	switch strings.ToLower(scheme) {
	case "https":
		host = strings.TrimSuffix(host, ":443")
	case "http":
		host = strings.TrimSuffix(host, ":80")
	}
	return host
}

// PathAndQuery returns the signed form of a request target: requestURI (the
// escaped path and query as sent, such as [net/url.URL.RequestURI] returns)
// with a "?" that introduces an empty query removed.
func PathAndQuery(requestURI string) string {
	if requestURI == "" {
		return "/"
	}
	return strings.TrimSuffix(requestURI, "?")
}

// PolicyOptions configures the policy [NewPolicy] returns.
type PolicyOptions struct {
	// Now returns the time to sign with; nil means time.Now. Tests set it to
	// get a fixed x-ms-date.
	Now func() time.Time
}

// NewPolicy returns an azcore pipeline policy that signs every request with
// key, the base64-decoded ACS access key (the policy keeps its own copy).
// Place it among the per-retry policies so that every try carries a fresh
// date and signature.
//
// The policy hashes the body through [policy.Request.Body] and rewinds it
// with [policy.Request.RewindBody]; a body that cannot be rewound makes the
// request fail before it is sent. It sets x-ms-date, x-ms-content-sha256 and
// Authorization, and sets the request's Host to the signed canonical host.
// With an empty key every request fails.
func NewPolicy(key []byte, opts *PolicyOptions) policy.Policy {
	p := &signingPolicy{key: append([]byte(nil), key...), now: time.Now}
	if opts != nil && opts.Now != nil {
		p.now = opts.Now
	}
	p.macs.New = func() any { return hmac.New(sha256.New, p.key) }
	return p
}

type signingPolicy struct {
	key  []byte
	now  func() time.Time
	macs sync.Pool // of hash.Hash (HMAC-SHA256 keyed with key)
}

// String keeps the key out of any formatting of the policy.
func (p *signingPolicy) String() string { return "hmacauth.Policy" }

// GoString keeps the key out of %#v.
func (p *signingPolicy) GoString() string { return "hmacauth.Policy{}" }

// Format keeps the key out of every other verb (%d, %+v of the value, ...).
func (p *signingPolicy) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, p.GoString())
		return
	}
	io.WriteString(f, p.String())
}

// Do signs req and passes it on.
func (p *signingPolicy) Do(req *policy.Request) (*http.Response, error) {
	if len(p.key) == 0 {
		return nil, errEmptyKey
	}
	contentHash, err := hashBody(req)
	if err != nil {
		return nil, err
	}
	raw := req.Raw()
	host := raw.Host
	if host == "" {
		host = raw.URL.Host
	}
	host = CanonicalHost(raw.URL.Scheme, host)
	date := p.now().UTC().Format(http.TimeFormat)
	sts := StringToSign(raw.Method, PathAndQuery(raw.URL.RequestURI()), date, host, contentHash)

	mac := p.macs.Get().(hash.Hash)
	mac.Reset()
	io.WriteString(mac, sts)
	var sum [sha256.Size]byte
	sig := base64.StdEncoding.EncodeToString(mac.Sum(sum[:0]))
	p.macs.Put(mac)

	raw.Host = host
	raw.Header.Set(HeaderDate, date)
	raw.Header.Set(HeaderContentSHA256, contentHash)
	raw.Header.Set(HeaderAuthorization, AuthorizationHeader(sig))
	return req.Next()
}

// copyBufs holds buffers for hashing bodies; io.Copy would allocate 32 KiB
// for every request, as SHA-256 is no io.ReaderFrom and azcore's body
// wrappers hide io.WriterTo.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 4096); return &b }}

// hashBody returns the content hash of req's body and leaves the body
// rewound.
func hashBody(req *policy.Request) (string, error) {
	body := req.Body()
	if body == nil {
		if rb := req.Raw().Body; rb != nil && rb != http.NoBody {
			return "", errors.New("hmacauth: the request body is not rewindable; set it with policy.Request.SetBody")
		}
		return ContentHash(nil), nil
	}
	// Start from the beginning whatever a previous policy did.
	if err := req.RewindBody(); err != nil {
		return "", fmt.Errorf("hmacauth: the request body is not rewindable: %w", err)
	}
	h := sha256.New()
	buf := copyBufs.Get().(*[]byte)
	_, err := io.CopyBuffer(h, body, *buf)
	copyBufs.Put(buf)
	if err != nil {
		return "", fmt.Errorf("hmacauth: reading the request body: %w", err)
	}
	if err := req.RewindBody(); err != nil {
		return "", fmt.Errorf("hmacauth: the request body is not rewindable: %w", err)
	}
	var sum [sha256.Size]byte
	return base64.StdEncoding.EncodeToString(h.Sum(sum[:0])), nil
}
