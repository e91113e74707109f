package tokenservice

// How a Response prints: with every fmt verb (String, Format), through
// log/slog (LogValue, and encoding/json inside slices, maps and struct
// fields) and through encoding/json, it shows no token. See internal/redact.

import (
	"encoding/json"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// wireResponse is the wire form of a Response, token included: what
// Service writes. It has no methods.
type wireResponse Response

// MarshalJSON encodes the response's JSON shape with the token in
// identity.Redact's form, so that logging a value that holds one (log/slog's
// JSON handler uses encoding/json inside slices, maps and struct fields)
// never shows it. Service writes the wire form itself, and json.Unmarshal
// reads the wire form into a Response.
func (r Response) MarshalJSON() ([]byte, error) {
	p := wireResponse(r)
	p.Token = identity.Redact(r.Token)
	return json.Marshal(p)
}
