package identity

import (
	"fmt"
	"log/slog"
	"time"
)

// Scope is an ACS access-token scope, as passed to IssueToken and CreateUser.
type Scope string

// The scopes the ACS identity service issues tokens for.
const (
	// ScopeChat grants full chat access.
	ScopeChat Scope = "chat"
	// ScopeVoIP grants calling (audio, video, screen sharing).
	ScopeVoIP Scope = "voip"
	// ScopeChatJoin grants joining existing chats only.
	ScopeChatJoin Scope = "chat.join"
	// ScopeChatJoinLimited grants joining existing chats, without adding or removing participants.
	ScopeChatJoinLimited Scope = "chat.join.limited"
	// ScopeVoIPJoin grants joining existing calls only.
	ScopeVoIPJoin Scope = "voip.join"
)

// Valid reports whether s is one of the scopes the service knows.
func (s Scope) Valid() bool {
	switch s {
	case ScopeChat, ScopeVoIP, ScopeChatJoin, ScopeChatJoinLimited, ScopeVoIPJoin:
		return true
	}
	return false
}

// The bounds of a custom token lifetime accepted by the service.
const (
	MinTokenExpiry = 60 * time.Minute
	MaxTokenExpiry = 1440 * time.Minute
)

// AccessToken is an ACS access token and the time it expires.
//
// Printing an AccessToken with fmt or log/slog never shows the token itself,
// only a redacted form; read the Token field to use it.
type AccessToken struct {
	// Token is the bearer token, a JWT. It is a secret.
	Token string
	// ExpiresOn is when the token stops being accepted.
	ExpiresOn time.Time
}

// String returns a redacted description of the token, never the token itself.
func (t AccessToken) String() string {
	return fmt.Sprintf("AccessToken{Token: %s, ExpiresOn: %s}", Redact(t.Token), t.ExpiresOn.UTC().Format(time.RFC3339))
}

// GoString is String, so that %#v does not show the secret either.
func (t AccessToken) GoString() string { return t.String() }

// Format implements fmt.Formatter so that every verb (%v, %+v, %s, %q, ...)
// prints the redacted form.
func (t AccessToken) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", t.String())
		return
	}
	_, _ = f.Write([]byte(t.String()))
}

// LogValue implements slog.LogValuer with the redacted form.
func (t AccessToken) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("token", Redact(t.Token)),
		slog.Time("expiresOn", t.ExpiresOn),
	)
}

// Redact returns a form of a secret that is safe to log: its length and, for
// secrets long enough that it gives nothing away, its last four characters.
func Redact(secret string) string {
	switch {
	case secret == "":
		return "<empty>"
	case len(secret) < 32:
		return fmt.Sprintf("<redacted %d chars>", len(secret))
	default:
		return fmt.Sprintf("<redacted %d chars …%s>", len(secret), secret[len(secret)-4:])
	}
}
