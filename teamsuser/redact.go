package teamsuser

// How the types of this package that hold a secret print: with every fmt
// verb, through log/slog (its text and JSON handlers, at the top of an
// attribute or inside a slice, a map or a struct field) and through
// encoding/json, they show no token. See internal/redact.

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/teamsuser-sdk/teamsuser-go/internal/redact"
)

// userView is what a User shows of itself: never a token.
type userView struct {
	ID     string
	Tokens string
}

func (u *User) view() userView {
	if u == nil {
		return userView{}
	}
	return userView{ID: u.id.RawID(), Tokens: redact.Marker}
}

// Format implements fmt.Formatter: every verb prints the user's id, never
// their Entra or ACS token.
func (u *User) Format(f fmt.State, verb rune) { redact.Format(f, verb, "teamsuser.User", u.view()) }

// LogValue implements slog.LogValuer: the user's id.
func (u *User) LogValue() slog.Value { return slog.AnyValue(u.view()) }

// MarshalJSON encodes the user's id.
func (u *User) MarshalJSON() ([]byte, error) { return json.Marshal(u.view()) }

// usersView is what a Users shows of itself: how many users it keeps,
// never their tokens.
type usersView struct {
	Users  int
	Tokens string
}

func (us *Users) view() usersView {
	if us == nil || us.users == nil {
		return usersView{}
	}
	return usersView{Users: us.users.Len(), Tokens: redact.Marker}
}

// Format implements fmt.Formatter: every verb prints how many users are
// kept, never a token.
func (us *Users) Format(f fmt.State, verb rune) { redact.Format(f, verb, "teamsuser.Users", us.view()) }

// LogValue implements slog.LogValuer: how many users are kept.
func (us *Users) LogValue() slog.Value { return slog.AnyValue(us.view()) }

// MarshalJSON encodes how many users are kept.
func (us *Users) MarshalJSON() ([]byte, error) { return json.Marshal(us.view()) }
