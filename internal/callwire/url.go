package callwire

import (
	"errors"
	"net"
	"net/url"
	"strings"
)

// EscapeSegment percent-encodes s as one path segment the way the official
// SDKs encode path parameters (encodeURIComponent): everything but letters,
// digits and -_.!~*'() is escaped, so ':', '+' and '/' in a raw id cannot
// change the path.
func EscapeSegment(s string) string {
	const keep = "-_.!~*'()"
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i], keep) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hexDigits = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c, keep) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
	}
	return string(b)
}

func unreserved(c byte, keep string) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(keep, c) >= 0
}

// CheckCallbackURL checks a callback URL before it is sent: an absolute
// https URL with a host, no user information and no fragment. Plain http is
// accepted only when loopbackHTTP is set (the sender talks to a service on
// loopback: a fake, or a test's own server) and only for a loopback host:
// the real service would never reach such a URL, and plain http would carry
// the events in clear text. The error never repeats the URL, whose query may
// carry a secret.
func CheckCallbackURL(s string, loopbackHTTP bool) error {
	if s == "" {
		return errors.New("empty")
	}
	u, err := url.Parse(s)
	if err != nil {
		return errors.New("not a url")
	}
	switch {
	case u.Scheme == "http":
		if !loopbackHTTP {
			return errors.New("must use https (plain http is accepted only by a client of a loopback endpoint, such as the fakes)")
		}
		if !IsLoopbackHost(u.Hostname()) {
			return errors.New("must use https (plain http is accepted only for a loopback host)")
		}
	case u.Scheme != "https":
		if u.Scheme == "" {
			return errors.New("not an absolute url")
		}
		return errors.New("must use https, not " + strings.ToLower(u.Scheme))
	}
	switch {
	case u.Host == "" || u.Hostname() == "":
		return errors.New("no host")
	case u.User != nil:
		return errors.New("user information is not allowed")
	case u.Fragment != "" || strings.Contains(s, "#"):
		return errors.New("a fragment is not allowed")
	}
	return nil
}

// IsLoopbackHost reports whether host (without port) is localhost or a
// loopback address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ErrForeignNextLink is returned by ResolveNextLink for a link to another
// scheme or host than the endpoint's: following it would send the client's
// credentials elsewhere.
var ErrForeignNextLink = errors.New("next link points outside the endpoint")

// ResolveNextLink turns a page's nextLink into the URL of the next page:
// a relative link is resolved against the endpoint, an absolute one must be
// on the endpoint's scheme and host, and the api-version is added when the
// link does not carry one.
func ResolveNextLink(endpoint, nextLink, apiVersion string) (string, error) {
	base, err := url.Parse(endpoint)
	if err != nil {
		return "", err
	}
	ref, err := url.Parse(nextLink)
	if err != nil {
		return "", errors.New("next link is not a url")
	}
	if ref.User != nil {
		return "", ErrForeignNextLink
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
		base.RawPath = ""
	}
	u := base.ResolveReference(ref)
	if !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) {
		return "", ErrForeignNextLink
	}
	u.Fragment = ""
	q := u.Query()
	if q.Get("api-version") == "" && apiVersion != "" {
		q.Set("api-version", apiVersion)
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}

// IsE164 reports whether s is a phone number in E.164 form: '+' and 1 to 15
// digits, the first not zero.
func IsE164(s string) bool {
	if len(s) < 2 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
