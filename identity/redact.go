package identity

// How the types of this package that hold a secret print: with every fmt
// verb, through log/slog (its text and JSON handlers, at the top of an
// attribute or inside a slice, a map or a struct field) and through
// encoding/json, a token shows only as Redact's form. See internal/redact.

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/teamsuser-sdk/teamsuser-go/internal/redact"
)

type plainAccessToken AccessToken // no methods

// MarshalJSON encodes the token's fields with the token in Redact's form:
// an AccessToken is not a wire format, and log/slog's JSON handler encodes
// a value inside a slice or a map with encoding/json.
func (t AccessToken) MarshalJSON() ([]byte, error) {
	p := plainAccessToken(t)
	p.Token = Redact(t.Token)
	return json.Marshal(p)
}

type plainTeamsUserTokenRequest TeamsUserTokenRequest // no methods

// Format implements fmt.Formatter: every verb, %d and %x included, prints
// String.
func (r TeamsUserTokenRequest) Format(f fmt.State, verb rune) {
	redact.FormatString(f, verb, r.String())
}

// LogValue implements slog.LogValuer without the token.
func (r TeamsUserTokenRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("token", Redact(r.Token)), slog.String("appID", r.AppID), slog.String("userID", r.UserID))
}

// MarshalJSON encodes the request with the token in Redact's form; the
// exchange sends its own wire form.
func (r TeamsUserTokenRequest) MarshalJSON() ([]byte, error) {
	p := plainTeamsUserTokenRequest(r)
	p.Token = Redact(r.Token)
	return json.Marshal(p)
}

// credentialView is what a credential shows of itself: never a token.
type credentialView struct {
	AppID  string `json:",omitempty"`
	UserID string `json:",omitempty"`
	Tokens string
}

func (c *TeamsUserCredential) view() credentialView {
	if c == nil {
		return credentialView{}
	}
	return credentialView{AppID: c.appID, UserID: c.userID, Tokens: redact.Marker}
}

// Format implements fmt.Formatter: every verb prints the app and user ids,
// never the Entra or ACS token.
func (c *TeamsUserCredential) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, "identity.TeamsUserCredential", c.view())
}

// LogValue implements slog.LogValuer without the tokens.
func (c *TeamsUserCredential) LogValue() slog.Value { return slog.AnyValue(c.view()) }

// MarshalJSON encodes the app and user ids, without the tokens.
func (c *TeamsUserCredential) MarshalJSON() ([]byte, error) { return json.Marshal(c.view()) }

var cachedTokenView = credentialView{Tokens: redact.Marker}

// Format implements fmt.Formatter: every verb prints a redacted form,
// never the token.
func (c *RefreshingTokenCredential) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, "identity.RefreshingTokenCredential", cachedTokenView)
}

// LogValue implements slog.LogValuer without the token.
func (c *RefreshingTokenCredential) LogValue() slog.Value { return slog.AnyValue(cachedTokenView) }

// MarshalJSON encodes a redacted form, without the token.
func (c *RefreshingTokenCredential) MarshalJSON() ([]byte, error) {
	return json.Marshal(cachedTokenView)
}

// Format implements fmt.Formatter: every verb prints a redacted form,
// never the token.
func (c *StaticTokenCredential) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, "identity.StaticTokenCredential", cachedTokenView)
}

// LogValue implements slog.LogValuer without the token.
func (c *StaticTokenCredential) LogValue() slog.Value { return slog.AnyValue(cachedTokenView) }

// MarshalJSON encodes a redacted form, without the token.
func (c *StaticTokenCredential) MarshalJSON() ([]byte, error) { return json.Marshal(cachedTokenView) }
