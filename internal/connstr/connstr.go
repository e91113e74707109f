// Package connstr parses Azure Communication Services connection strings,
//
//	endpoint=https://<resource>.communication.azure.com/;accesskey=<base64>
//
// the form the Azure portal shows under Keys. Parsing follows the official
// SDKs (the .NET one most closely): the string is a list of key=value
// segments separated by ";"; keys are case-insensitive and in any order;
// spaces around keys and values are ignored, and so are empty segments such
// as a trailing ";"; a value runs to the next ";" and may itself contain "="
// (base64 padding); a key given twice is an error; keys other than endpoint
// and accesskey are ignored.
//
// The access key is a secret: no error, String, GoString or other formatting
// of a value from this package shows it.
package connstr

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
)

// ConnectionString is a parsed ACS connection string. Formatting it with fmt
// (any verb), encoding it as JSON or logging it with log/slog shows the
// endpoint and redacts the access key.
type ConnectionString struct {
	// Endpoint is the resource's endpoint, normalised: lower-case scheme,
	// host as given, escaped path without trailing slashes (usually none),
	// e.g. "https://contoso.communication.azure.com".
	Endpoint string
	// AccessKey is the base64-decoded access key, the HMAC-SHA256 key.
	AccessKey []byte
}

const redacted = "REDACTED"

// String returns the connection string with the access key redacted.
func (c ConnectionString) String() string {
	return "endpoint=" + c.Endpoint + ";accesskey=" + redacted
}

// GoString returns a Go-syntax form with the access key redacted, for %#v.
func (c ConnectionString) GoString() string {
	return fmt.Sprintf("connstr.ConnectionString{Endpoint:%q, AccessKey:%s(%d bytes)}", c.Endpoint, redacted, len(c.AccessKey))
}

// Format implements fmt.Formatter so that every verb, not only %v and %s,
// prints the redacted form: %#v prints GoString, %q the quoted String, and
// any other verb String.
func (c ConnectionString) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, c.GoString())
	case verb == 'q':
		fmt.Fprintf(f, "%q", c.String())
	default:
		fmt.Fprint(f, c.String())
	}
}

// MarshalJSON encodes the endpoint and a redacted access key.
func (c ConnectionString) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Endpoint  string `json:"endpoint"`
		AccessKey string `json:"accessKey"`
	}{c.Endpoint, redacted})
}

// LogValue implements slog.LogValuer: the endpoint and a redacted access key.
func (c ConnectionString) LogValue() slog.Value {
	return slog.GroupValue(slog.String("endpoint", c.Endpoint), slog.String("accessKey", redacted))
}

// ParseError is the error Parse returns. Its text names the problem and, at
// most, the position of the offending segment and the name endpoint or
// accesskey; it never contains the input, the access key or parts of them.
type ParseError struct {
	// Problem says what is wrong, in lower case.
	Problem string
}

// Error returns "invalid connection string: " and the problem.
func (e *ParseError) Error() string {
	return "invalid connection string: " + e.Problem
}

// Keys of an ACS connection string, in lower case.
const (
	keyEndpoint  = "endpoint"
	keyAccessKey = "accesskey"
)

// Parse parses an ACS connection string. On success Endpoint is an absolute
// http or https URL with a host, normalised as described on ConnectionString,
// and AccessKey holds at least one byte. Errors are *ParseError.
func Parse(s string) (ConnectionString, error) {
	if strings.TrimSpace(s) == "" {
		return ConnectionString{}, &ParseError{Problem: "empty"}
	}
	var endpoint, accessKey string
	var haveEndpoint, haveKey bool
	other := map[string]bool{}
	for i, seg := range strings.Split(s, ";") {
		if strings.TrimSpace(seg) == "" {
			continue
		}
		k, v, ok := strings.Cut(seg, "=")
		if !ok {
			return ConnectionString{}, &ParseError{Problem: fmt.Sprintf("segment %d is not key=value", i+1)}
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		switch k {
		case "":
			return ConnectionString{}, &ParseError{Problem: fmt.Sprintf("segment %d has no key", i+1)}
		case keyEndpoint:
			if haveEndpoint {
				return ConnectionString{}, &ParseError{Problem: `duplicate key "endpoint"`}
			}
			endpoint, haveEndpoint = v, true
		case keyAccessKey:
			if haveKey {
				return ConnectionString{}, &ParseError{Problem: `duplicate key "accesskey"`}
			}
			accessKey, haveKey = v, true
		default:
			// Unknown keys are ignored, but a repeated one is as suspect as
			// a repeated known key. Its name is not echoed: it may be a
			// fragment of a mangled key.
			if other[k] {
				return ConnectionString{}, &ParseError{Problem: fmt.Sprintf("segment %d repeats a key", i+1)}
			}
			other[k] = true
		}
	}
	switch {
	case !haveEndpoint:
		return ConnectionString{}, &ParseError{Problem: "missing endpoint"}
	case !haveKey:
		return ConnectionString{}, &ParseError{Problem: "missing accesskey"}
	case endpoint == "":
		return ConnectionString{}, &ParseError{Problem: "endpoint is empty"}
	case accessKey == "":
		return ConnectionString{}, &ParseError{Problem: "accesskey is empty"}
	}
	ep, problem := normaliseEndpoint(endpoint)
	if problem != "" {
		return ConnectionString{}, &ParseError{Problem: problem}
	}
	key, err := DecodeKey(accessKey)
	if err != nil {
		return ConnectionString{}, err
	}
	return ConnectionString{Endpoint: ep, AccessKey: key}, nil
}

// DecodeKey decodes a base64 access key as Parse does (standard alphabet,
// padding optional). Its error never quotes the key.
func DecodeKey(accessKey string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(accessKey)
	if err != nil {
		// Tolerate a key whose "=" padding was lost.
		key, err = base64.RawStdEncoding.DecodeString(accessKey)
	}
	if err != nil {
		return nil, &ParseError{Problem: "accesskey is not valid base64"}
	}
	if len(key) == 0 {
		return nil, &ParseError{Problem: "accesskey is empty"}
	}
	return key, nil
}

// normaliseEndpoint checks that s is an absolute http or https URL with a
// host and returns its normal form, or a problem that does not quote s.
func normaliseEndpoint(s string) (string, string) {
	u, err := url.Parse(s)
	if err != nil {
		return "", "endpoint is not a valid URL"
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme != "https" && scheme != "http":
		return "", "endpoint must be an absolute http or https URL"
	case u.Opaque != "" || u.Hostname() == "":
		return "", "endpoint has no host"
	case u.User != nil:
		return "", "endpoint must not contain user information"
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", "endpoint must not have a query or fragment"
	}
	ep := scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/")
	if _, err := url.Parse(ep); err != nil {
		return "", "endpoint is not a valid URL"
	}
	return ep, ""
}
