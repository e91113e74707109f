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

// MarshalJSON encodes LogValue, as log/slog's JSON handler does: an
// AccessToken is not a wire format, and that handler encodes a value inside
// a slice, a map or a struct field with encoding/json.
func (t AccessToken) MarshalJSON() ([]byte, error) { return redact.JSON(t.LogValue()) }

// Format implements fmt.Formatter: every verb, %d and %x included, prints
// String.
func (r TeamsUserTokenRequest) Format(f fmt.State, verb rune) {
	redact.FormatString(f, verb, r.String())
}

// LogValue implements slog.LogValuer without the token.
func (r TeamsUserTokenRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("token", Redact(r.Token)), slog.String("appID", r.AppID), slog.String("userID", r.UserID))
}

// MarshalJSON encodes LogValue, as log/slog's JSON handler does; the
// exchange sends its own wire form.
func (r TeamsUserTokenRequest) MarshalJSON() ([]byte, error) { return redact.JSON(r.LogValue()) }

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

// tokenKeyView is what a TokenKey shows of itself: its id, never the key.
type tokenKeyView struct {
	ID  string
	Key string
}

func (k TokenKey) view() tokenKeyView { return tokenKeyView{ID: k.ID, Key: redact.Marker} }

// Format implements fmt.Formatter: every verb prints the key's id, never
// the key.
func (k TokenKey) Format(f fmt.State, verb rune) {
	redact.Format(f, verb, "identity.TokenKey", k.view())
}

// LogValue implements slog.LogValuer without the key.
func (k TokenKey) LogValue() slog.Value {
	return slog.GroupValue(slog.String("ID", k.ID), slog.String("Key", redact.Marker))
}

// MarshalJSON encodes the key's id, without the key: a TokenKey is
// configuration, not a wire format.
func (k TokenKey) MarshalJSON() ([]byte, error) { return json.Marshal(k.view()) }
