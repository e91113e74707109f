package teamsuser

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// corsPolicy is a checked CORS configuration.
type corsPolicy struct {
	any         bool
	origins     map[string]bool // normalised "scheme://host[:port]"
	credentials bool
	maxAge      string // seconds
}

func newCORSPolicy(c CORS) (*corsPolicy, error) {
	argErr := func(problem string) error { return &identity.ArgumentError{Arg: "CORS", Problem: problem} }
	if len(c.AllowedOrigins) == 0 {
		return nil, argErr("AllowedOrigins is empty")
	}
	if c.MaxAge < 0 {
		return nil, argErr("MaxAge is negative")
	}
	p := &corsPolicy{origins: make(map[string]bool), credentials: c.AllowCredentials}
	for _, o := range c.AllowedOrigins {
		if o == "*" {
			p.any = true
			continue
		}
		n, ok := normaliseOrigin(o)
		if !ok {
			return nil, argErr("AllowedOrigins holds " + strconv.Quote(o) + ", which is not an origin (scheme://host[:port], no path)")
		}
		p.origins[n] = true
	}
	if p.any && p.credentials {
		return nil, argErr("AllowedOrigins \"*\" cannot be combined with AllowCredentials; list the origins")
	}
	maxAge := c.MaxAge
	if maxAge == 0 {
		maxAge = DefaultCORSMaxAge
	}
	p.maxAge = strconv.FormatInt(int64(maxAge.Seconds()), 10)
	return p, nil
}

// normaliseOrigin lowercases an origin and checks that it has nothing but a
// scheme, a host and maybe a port.
func normaliseOrigin(o string) (string, bool) {
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(o, "?") {
		return "", false
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), true
}

func (p *corsPolicy) allows(origin string) bool {
	if p.any {
		return true
	}
	n, ok := normaliseOrigin(origin)
	return ok && p.origins[n]
}

// headers sets the CORS headers of an answer to an allowed origin.
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
