package chat

import (
	"context"
	"net/http"

	"github.com/teamsuser-sdk/teamsuser-go/internal/graphwire"
)

// GetUser reads a user's profile, the properties Graph returns by default
// (https://learn.microsoft.com/graph/api/user-get): the signed-in user's
// when userID is "" (GET /me), otherwise the user with this Entra object id
// or user principal name (GET /users/{id}). An unknown user is not found
// (IsNotFound). Needs User.Read for the signed-in user, User.ReadBasic.All
// (or User.Read.All) for another.
func (c *Client) GetUser(ctx context.Context, userID string, opts *GetUserOptions) (_ GetUserResponse, err error) {
	ctx, endSpan := c.startSpan(ctx, "Client.GetUser")
	defer func() { endSpan(err) }()
	target := c.path("me")
	if userID != "" {
		if err := checkArg("userID", graphwire.CheckUserID(userID)); err != nil {
			return GetUserResponse{}, err
		}
		target = c.path("users", userID)
	}
	var w graphwire.User
	if err := c.do(ctx, "get user", http.MethodGet, target, nil, &w); err != nil {
		return GetUserResponse{}, err
	}
	return GetUserResponse{User: userFromWire(&w)}, nil
}
