package tokenservice

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// corsPolicy is a checked CORS configuration.
type corsPolicy struct {
	any         bool
	origins     map[string]bool // canonical origins (canonicalOrigin)
	credentials bool
	maxAge      string // seconds
}

func newCORSPolicy(c CORS) (*corsPolicy, error) {
	argErr := func(field, problem string) error { return &ArgumentError{Arg: "opts.CORS." + field, Problem: problem} }
	if len(c.AllowedOrigins) == 0 {
		return nil, argErr("AllowedOrigins", "is empty")
	}
	if c.MaxAge < 0 {
		return nil, argErr("MaxAge", "is negative")
	}
	p := &corsPolicy{origins: make(map[string]bool), credentials: c.AllowCredentials}
	for _, o := range c.AllowedOrigins {
		if o == "*" {
			p.any = true
			continue
		}
		n, ok := canonicalOrigin(o)
		if !ok {
			return nil, argErr("AllowedOrigins", "holds "+strconv.Quote(o)+", which is not an origin (scheme://host[:port], no path)")
		}
		p.origins[n] = true
	}
	if p.any && p.credentials {
		return nil, argErr("AllowedOrigins", "\"*\" cannot be combined with AllowCredentials; list the origins")
	}
	maxAge := c.MaxAge
	if maxAge == 0 {
		maxAge = DefaultCORSMaxAge
	}
	p.maxAge = strconv.FormatInt(int64(maxAge.Seconds()), 10)
	return p, nil
}

// canonicalOrigin is the serialization of an origin (RFC 6454 §6.2, as
// browsers send it in Origin): scheme and host lowercased, the scheme's
// default port dropped, no path. It refuses what is not an origin: another
// scheme, userinfo, a path other than a lone "/", a query or a fragment (an
// empty one too), an invalid port.
func canonicalOrigin(o string) (string, bool) {
	u, err := url.Parse(o)
	if err != nil || u.Opaque != "" || u.User != nil || (u.Path != "" && u.Path != "/") ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.HasSuffix(o, "#") {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (scheme != "http" && scheme != "https") || host == "" {
		return "", false
	}
	if port != "" {
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || n == 0 {
			return "", false
		}
		port = strconv.FormatUint(n, 10) // no leading zeros
	}
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // IPv6
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host, true
}

// allows reports whether origin may call, and the origin to echo: its
// canonical form, never the raw header.
func (p *corsPolicy) allows(origin string) (string, bool) {
	c, ok := canonicalOrigin(origin)
	if p.any {
		return c, true // "*" is echoed; c is unused
	}
	return c, ok && p.origins[c]
}

// headers sets the CORS headers of an answer to an allowed origin, given in
// its canonical form.
func (p *corsPolicy) headers(h http.Header, origin string) {
	if p.any {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	}
	if p.credentials {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	h.Set("Access-Control-Expose-Headers", "Retry-After")
}

// preflight sets the headers of a preflight answer.
func (p *corsPolicy) preflight(h http.Header) {
	h.Set("Access-Control-Allow-Methods", "POST")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, "+TeamsTokenHeader)
	h.Set("Access-Control-Max-Age", p.maxAge)
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
}
