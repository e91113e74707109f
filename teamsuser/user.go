package teamsuser

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// Config is the application's side of acting as a Teams user: what a
// service configures once and shares between all its users. AppID and
// Exchanger are required; what is optional is in UserOptions.
type Config struct {
	// AppID is the client id of the Entra app that the users' Entra tokens
	// are issued to: the tokens' "appid" claim (v1 tokens) or "azp" claim
	// (v2). The ACS exchange checks its appId against that claim and
	// refuses a token issued to another app, so that one app cannot spend a
	// token meant for another ("Client ID ... to be verified against the appId claim",
	// https://learn.microsoft.com/dotnet/api/azure.communication.identity.gettokenforteamsuseroptions).
	//
	// With on-behalf-of (a service behind a web or mobile front end, using
	// azidentity's OnBehalfOfCredential) that is the middle-tier API's
	// client id — the service's own app registration, the one the
	// OnBehalfOfCredential is built with — not the front end's, because the
	// token on-behalf-of yields is issued to the middle tier. With a
	// credential that signs the user in directly (device code, interactive
	// browser), it is that app's client id.
	AppID string
	// Exchanger exchanges the users' Teams tokens for ACS tokens: the ACS
	// resource's *identity.Client, or identity/fake's service.
	Exchanger identity.TokenExchanger
	// Cloud is the cloud of the users' Teams identities, which names them
	// in calls: identity.CloudPublic ("8:orgid:<object id>", also when
	// empty), identity.CloudGCCH for GCC High ("8:gcch:") or
	// identity.CloudDoD ("8:dod:") (Learn: ACS identifiers, "prefixed
	// with 8:gcch: or 8:dod: depending on the cloud environment"). It is
	// the one place the module's facade takes the cloud from; a token
	// service for the same users takes the same value
	// (tokenservice.Options.Cloud).
	Cloud identity.CloudEnvironment
}

func (c Config) validate() error {
	switch {
	case strings.TrimSpace(c.AppID) == "":
		return &ArgumentError{Arg: "cfg.AppID", Problem: "is empty"}
	case c.Exchanger == nil:
		return &ArgumentError{Arg: "cfg.Exchanger", Problem: "is nil"}
	}
	switch c.Cloud {
	case "", identity.CloudPublic, identity.CloudDoD, identity.CloudGCCH:
	default:
		return &ArgumentError{Arg: "cfg.Cloud", Problem: "is not a known cloud: use identity.CloudPublic, CloudGCCH or CloudDoD"}
	}
	return nil
}

// teamsUser is the Teams identity of the user with Entra object id oid, in
// the configured cloud.
func (c Config) teamsUser(oid string) identity.MicrosoftTeamsUserIdentifier {
	cloud := c.Cloud
	if cloud == "" {
		cloud = identity.CloudPublic
	}
	return identity.MicrosoftTeamsUserIdentifier{UserID: strings.ToLower(oid), Cloud: cloud}
}

// UserOptions are the optional settings of a User; nil means every default.
type UserOptions struct {
	// Calling is the ACS resource's Call Automation client (or
	// calling/fake's switchboard), shared by all users; nil when the
	// service does no call signaling.
	Calling calling.Service
	// Chat configures the user's Graph chat client (base URL, pipeline);
	// nil means Microsoft Graph's defaults. Its UserID is the user's.
	Chat *chat.ClientOptions
	// Credential tunes the user's refreshing ACS credential (refresh
	// margin, clock); nil means its defaults. The credential is for
	// Config.AppID and the user's id.
	Credential *identity.TeamsUserCredentialOptions
}

// ArgumentError reports an argument of this package's functions that cannot
// work, found before anything was sent. Its text, "teamsuser: invalid
// <Arg>: <Problem>", names the argument and the problem, never the
// argument's value. Every package of the module reports bad arguments with
// an ArgumentError of this shape.
type ArgumentError struct {
	// Arg names the argument, for example "cfg.AppID" or "joinURL".
	Arg string
	// Problem says what is wrong with it, in a lowercase phrase.
	Problem string
	// Err, when not nil, is a sentinel the problem is an instance of;
	// errors.Is finds it.
	Err error
}

// Error implements error.
func (e *ArgumentError) Error() string { return "teamsuser: invalid " + e.Arg + ": " + e.Problem }

// Unwrap returns Err.
func (e *ArgumentError) Unwrap() error { return e.Err }

// User is one Microsoft Teams user as the application acts for them: the
// ACS token their web or mobile calling client needs, kept fresh; their Graph
// chat; and the application's call signaling. Build it with NewUser from the
// user's delegated credential, or get it from Users in a service that serves
// many users. A User is safe for concurrent use; Close stops its background
// token refresh.
type User struct {
	id      identity.MicrosoftTeamsUserIdentifier
	acs     *identity.TeamsUserCredential
	chat    *chat.Client
	calling calling.Service

	closeOnce sync.Once
}

// NewUser returns the User whose delegated credential is cred: an
// azcore.TokenCredential that gets that user's Entra tokens for the scopes
// asked (azidentity's on-behalf-of credential in a service, interactive
// browser or device code in a tool). userID is the user's Entra object id,
// from the application's authenticated session, never read from a token.
// opts may be nil.
func NewUser(cfg Config, cred azcore.TokenCredential, userID string, opts *UserOptions) (*User, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cred == nil {
		return nil, &ArgumentError{Arg: "cred", Problem: "is nil"}
	}
	if strings.TrimSpace(userID) == "" {
		return nil, &ArgumentError{Arg: "userID", Problem: "is empty"}
	}
	var o UserOptions
	if opts != nil {
		o = *opts
	}
	acs, err := identity.NewTeamsUserCredential(cfg.Exchanger, cred, cfg.AppID, userID, o.Credential)
	if err != nil {
		return nil, err
	}
	var chatOpts chat.ClientOptions
	if o.Chat != nil {
		chatOpts = *o.Chat
	}
	chatOpts.UserID = userID
	cc, err := chat.NewClient(cred, &chatOpts)
	if err != nil {
		acs.Close()
		return nil, err
	}
	return &User{
		id:      cfg.teamsUser(userID),
		acs:     acs,
		chat:    cc,
		calling: o.Calling,
	}, nil
}

// ID is the user as a communication identifier: 8:orgid:<object id> in
// the public cloud, 8:gcch: or 8:dod: as Config.Cloud says.
func (u *User) ID() identity.MicrosoftTeamsUserIdentifier { return u.id }

// ACSToken returns the user's ACS token for their web or mobile calling
// client, exchanged from their Entra token and cached until shortly before it
// expires.
func (u *User) ACSToken(ctx context.Context) (identity.AccessToken, error) {
	return u.acs.Token(ctx)
}

// ACSCredential is the user's refreshing ACS credential, an
// azcore.TokenCredential for ACS data-plane clients acting as the user.
func (u *User) ACSCredential() *identity.TeamsUserCredential { return u.acs }

// Chat is the user's Teams chat through Microsoft Graph.
func (u *User) Chat() *chat.Client { return u.chat }

// Calling is the application's call signaling (nil when UserOptions.Calling
// was nil). Calls involving the user name them with ID.
func (u *User) Calling() calling.Service { return u.calling }

// Call places a call from the application to the user (for example to
// ring them into a consultation), with events to callbackURL.
func (u *User) Call(ctx context.Context, callbackURL string, opts *calling.CreateCallOptions) (calling.CreateCallResponse, error) {
	if u.calling == nil {
		return calling.CreateCallResponse{}, errNoCalling
	}
	return u.calling.CreateCall(ctx, []identity.Identifier{u.id}, callbackURL, opts)
}

var errNoCalling = errors.New("teamsuser: no calling service configured (UserOptions.Calling)")

// Close stops the user's background token refresh. It is safe to call more
// than once; the User must not be used afterwards.
func (u *User) Close() error {
	u.closeOnce.Do(func() { u.acs.Close() })
	return nil
}
