package teamsuser

import (
	"context"
	"errors"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callercache"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// DefaultMaxUsers is the number of users a Users keeps unless
// UsersOptions.MaxUsers says otherwise.
const DefaultMaxUsers = 1000

// UsersOptions are the optional settings of Users; nil means every default.
type UsersOptions struct {
	// UserOptions are the options of every User built.
	UserOptions
	// MaxUsers bounds the users kept; zero means DefaultMaxUsers. The least
	// recently used user is closed and dropped to make room.
	MaxUsers int
	// Clock is the time that expires users; nil means the system clock.
	Clock identity.Clock
}

// Users is the cache of a service that acts for many Teams users of many
// customer tenants: from an authenticated caller (the tokenservice.Caller
// that tokenservice.Service's Authenticate reads from a request) it builds
// that user's User on behalf of the caller, once, and keeps it while the
// caller's token is valid. An on-behalf-of credential cannot outlive the
// token it was made from, so a user is dropped (and closed) when that token
// expires, and rebuilt from the next request's token. Memory is bounded by
// UsersOptions.MaxUsers.
//
// Users is safe for concurrent use; concurrent first requests of one user
// build one User.
type Users struct {
	cfg           Config
	newCredential tokenservice.CredentialFunc
	opts          UsersOptions
	users         *callercache.Cache[*User]
}

// NewUsers returns an empty Users for the application's Config.
// newCredential returns the delegated credential of an authenticated
// caller, from the caller's own Entra token for the service: in production
// azidentity's on-behalf-of credential of the service's app registration
// (see tokenservice.CredentialFunc, which a token service's
// OnBehalfOfCredential takes too). opts may be nil.
func NewUsers(cfg Config, newCredential tokenservice.CredentialFunc, opts *UsersOptions) (*Users, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if newCredential == nil {
		return nil, &ArgumentError{Arg: "newCredential", Problem: "is nil"}
	}
	var o UsersOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxUsers <= 0 {
		o.MaxUsers = DefaultMaxUsers
	}
	if o.Clock == nil {
		o.Clock = identity.SystemClock()
	}
	us := &Users{cfg: cfg, newCredential: newCredential, opts: o}
	us.users = callercache.New(o.MaxUsers, o.Clock.Now, func(u *User) { _ = u.Close() })
	return us, nil
}

// ErrCallerExpired is returned for a caller whose token has expired.
var ErrCallerExpired = errors.New("teamsuser: the caller's token has expired")

// Get returns the User of an authenticated caller, building it on behalf of
// callerToken (the caller's Entra token for the service, as the request
// carried it) when there is none yet or the cached one's token has expired.
// A later token of the same caller extends the cached user's life.
func (us *Users) Get(ctx context.Context, caller tokenservice.Caller, callerToken string) (*User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if caller.ObjectID == "" || caller.TenantID == "" {
		return nil, &ArgumentError{Arg: "caller", Problem: "has no tenant or object id (use tokenservice.Service.Authenticate)"}
	}
	if callerToken == "" {
		return nil, &ArgumentError{Arg: "callerToken", Problem: "is empty"}
	}
	if !caller.ExpiresOn.IsZero() && !us.opts.Clock.Now().Before(caller.ExpiresOn) {
		return nil, ErrCallerExpired
	}
	return us.users.Get(caller.TenantID, caller.ObjectID, caller.ExpiresOn, func() (*User, error) {
		return us.build(caller, callerToken)
	})
}

func (us *Users) build(caller tokenservice.Caller, callerToken string) (*User, error) {
	cred, err := us.newCredential(caller, callerToken)
	if err != nil {
		return nil, err
	}
	if cred == nil {
		return nil, &ArgumentError{Arg: "newCredential", Problem: "returned a nil credential"}
	}
	return NewUser(us.cfg, cred, caller.ObjectID, &us.opts.UserOptions)
}

// Len is the number of users kept.
func (us *Users) Len() int { return us.users.Len() }

// Close closes and drops every user.
func (us *Users) Close() error {
	us.users.Clear()
	return nil
}
