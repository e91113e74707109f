package identity

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
)

// The audience and scopes of a Teams user's Entra ID access token that
// Azure Communication Services exchanges.
const (
	// TeamsAudience is the "aud" of a v1.0 Entra token for the
	// Communication Services Teams resource, and the prefix of the scopes
	// an application requests for it.
	TeamsAudience = "https://auth.msft.communication.azure.com"
	// TeamsAudienceAppID is the application id of the "Azure Communication
	// Services" resource app; a v2.0 Entra token carries it as "aud".
	TeamsAudienceAppID = "1fd5118e-2576-4263-8130-9503064c837a"
	// TeamsManageCalls is the delegated permission that lets an app make
	// calls as the Teams user, as it appears in a token's "scp" claim. An
	// application requests it as TeamsAudience + "/" + TeamsManageCalls.
	TeamsManageCalls = "Teams.ManageCalls"
	// TeamsManageChats is the delegated permission that lets an app chat
	// as the Teams user, as it appears in a token's "scp" claim. An
	// application requests it as TeamsAudience + "/" + TeamsManageChats.
	TeamsManageChats = "Teams.ManageChats"
)

// TokenClockSkew is how far this machine's clock may be from the issuer's
// before CheckTeamsUserToken calls a token expired or not yet valid. It is
// the default of Microsoft's own token validation libraries.
const TokenClockSkew = 5 * time.Minute

// EntraTokenClaims are the claims of a Microsoft Entra ID access token that
// matter to Communication Services. Reading them does not verify the token;
// the service does that.
type EntraTokenClaims struct {
	// ObjectID is the user's object id ("oid").
	ObjectID string
	// TenantID is the id of the tenant the user signed in to ("tid").
	TenantID string
	// AppID is the client id of the application the token was issued to:
	// "appid" in v1.0 tokens, "azp" in v2.0 tokens.
	AppID string
	// Audience is the resource the token is for ("aud"): TeamsAudience in
	// v1.0 tokens and TeamsAudienceAppID in v2.0 tokens for the Teams
	// resource of Communication Services.
	Audience string
	// Scopes are the delegated permissions granted ("scp", space
	// separated in the token), for example "Teams.ManageCalls".
	Scopes []string
	// Roles are the application roles granted ("roles"), if any.
	Roles []string
	// Issuer is the security token service that issued the token ("iss"),
	// for example "https://sts.windows.net/<tenant id>/" for v1.0 tokens.
	Issuer string
	// Version is the token format version ("ver"): "1.0" or "2.0".
	Version string
	// Subject is the pairwise subject of the token ("sub").
	Subject string
	// Name is the user's display name ("name"), if given.
	Name string
	// PreferredUsername is the user's sign-in name in v2.0 tokens
	// ("preferred_username"), if given.
	PreferredUsername string
	// UPN is the user principal name in v1.0 tokens ("upn"), if given.
	UPN string
	// IssuedAt is when the token was issued ("iat").
	IssuedAt time.Time
	// NotBefore is when the token starts being valid ("nbf").
	NotBefore time.Time
	// ExpiresOn is when the token stops being valid ("exp").
	ExpiresOn time.Time
}

// HasScope reports whether the token grants the delegated permission scope,
// given by its short name ("Teams.ManageCalls") or in full
// ("https://auth.msft.communication.azure.com/Teams.ManageCalls").
func (c EntraTokenClaims) HasScope(scope string) bool {
	scope = strings.TrimPrefix(scope, TeamsAudience+"/")
	for _, s := range c.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// ReadEntraToken reads the claims of a Microsoft Entra ID access token
// without verifying its signature, issuer or times. It fails with an
// *InvalidTokenError whose Problem is TokenMalformed when token is not a
// JWT or a claim has the wrong type.
func ReadEntraToken(token string) (EntraTokenClaims, error) {
	t, err := parseToken(tokenKindEntra, token)
	if err != nil {
		return EntraTokenClaims{}, err
	}
	r := claimReader{kind: tokenKindEntra, t: t}
	c := EntraTokenClaims{
		ObjectID:          r.str("oid"),
		TenantID:          r.str("tid"),
		Issuer:            r.str("iss"),
		Version:           r.strOrNum("ver"),
		Subject:           r.str("sub"),
		Name:              r.str("name"),
		PreferredUsername: r.str("preferred_username"),
		UPN:               r.str("upn"),
		Roles:             r.strs("roles"),
		IssuedAt:          r.time("iat"),
		NotBefore:         r.time("nbf"),
		ExpiresOn:         r.time("exp"),
	}
	appid, azp := r.str("appid"), r.str("azp")
	if c.Version == "2.0" {
		c.AppID = firstNonEmpty(azp, appid)
	} else {
		c.AppID = firstNonEmpty(appid, azp)
	}
	if scp := r.str("scp"); scp != "" {
		c.Scopes = strings.Fields(scp)
	}
	switch aud := r.strs("aud"); len(aud) {
	case 0:
	case 1:
		c.Audience = aud[0]
	default:
		if r.err == nil {
			r.err = malformedClaim(tokenKindEntra, "aud", "has several audiences, which entra id access tokens never do")
		}
	}
	if r.err != nil {
		return EntraTokenClaims{}, r.err
	}
	return c, nil
}

// CheckTeamsUserToken is the check ExchangeTeamsUserToken makes before it
// sends a Teams user's Entra ID token to Communication Services: that
// appID and userID are given, that the token is a JWT for the Teams
// audience (TeamsAudience in v1.0 tokens, TeamsAudienceAppID in v2.0
// tokens) with both TeamsManageCalls and TeamsManageChats, that it was
// issued to appID ("appid" or "azp", compared without regard to case) for
// the user userID ("oid"), and that at now it is valid, allowing for
// TokenClockSkew. It reads the token without verifying it: only the service
// can tell whether the token is genuine.
//
// It returns the token's claims, and an *ArgumentError for a missing
// argument or an *InvalidTokenError for the first problem found, checking
// the claims that would fail on every retry (audience, scopes, app, user)
// before the times.
func CheckTeamsUserToken(token, appID, userID string, now time.Time) (EntraTokenClaims, error) {
	if err := (TeamsUserTokenRequest{Token: token, AppID: appID, UserID: userID}).Validate(); err != nil {
		return EntraTokenClaims{}, err
	}
	c, err := ReadEntraToken(token)
	if err != nil {
		return EntraTokenClaims{}, err
	}
	newErr := func(p TokenProblem, claim, got, want string) error {
		return &InvalidTokenError{Problem: p, TokenKind: tokenKindEntra, Claim: claim, Got: got, Want: want}
	}
	if err := checkTeamsAudience(c); err != nil {
		return c, err
	}
	var missing []string
	for _, s := range []string{TeamsManageCalls, TeamsManageChats} {
		if !c.HasScope(s) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		return c, newErr(TokenMissingScope, "scp", strings.Join(c.Scopes, " "), strings.Join(missing, " "))
	}
	appClaim := "appid"
	if c.Version == "2.0" {
		appClaim = "azp"
	}
	switch {
	case c.AppID == "":
		return c, malformedClaim(tokenKindEntra, appClaim, "is missing")
	case !strings.EqualFold(strings.TrimSpace(c.AppID), strings.TrimSpace(appID)):
		return c, newErr(TokenAppIDMismatch, appClaim, c.AppID, appID)
	case c.ObjectID == "":
		return c, malformedClaim(tokenKindEntra, "oid", "is missing; the token is not a user's token")
	case !strings.EqualFold(strings.TrimSpace(c.ObjectID), strings.TrimSpace(userID)):
		return c, newErr(TokenUserIDMismatch, "oid", c.ObjectID, userID)
	}
	return c, checkTimes(c, now)
}

// checkTeamsAudience checks that an Entra token is for the Teams resource
// of Communication Services.
func checkTeamsAudience(c EntraTokenClaims) error {
	switch {
	case c.Audience == "":
		return malformedClaim(tokenKindEntra, "aud", "is missing")
	case !IsTeamsAudience(c.Audience):
		want := TeamsAudience
		if c.Version == "2.0" {
			want = TeamsAudienceAppID
		}
		return &InvalidTokenError{Problem: TokenWrongAudience, TokenKind: tokenKindEntra, Claim: "aud", Got: c.Audience, Want: want}
	}
	return nil
}

// checkTimes checks that an Entra token is valid at now, allowing for
// TokenClockSkew.
func checkTimes(c EntraTokenClaims, now time.Time) error {
	switch {
	case c.ExpiresOn.IsZero():
		return malformedClaim(tokenKindEntra, "exp", "is missing")
	case !now.Before(c.ExpiresOn.Add(TokenClockSkew)):
		return &InvalidTokenError{Problem: TokenExpired, TokenKind: tokenKindEntra, Claim: "exp", At: c.ExpiresOn, Now: now}
	case !c.NotBefore.IsZero() && now.Add(TokenClockSkew).Before(c.NotBefore):
		return &InvalidTokenError{Problem: TokenNotYetValid, TokenKind: tokenKindEntra, Claim: "nbf", At: c.NotBefore, Now: now}
	}
	return nil
}

// IsTeamsAudience reports whether aud, the "aud" claim of an Entra token, names
// the Communication Services resource for Teams users: TeamsAudience (v1.0
// tokens) or TeamsAudienceAppID (v2.0 tokens).
func IsTeamsAudience(aud string) bool {
	return aud == TeamsAudience || aud == TeamsAudience+"/" || strings.EqualFold(aud, TeamsAudienceAppID)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// ACSTokenClaims are the claims of a Communication Services access token,
// as the identity service issues them (IssueToken, CreateUser with scopes,
// ExchangeTeamsUserToken). The token format is not documented; these are the
// claims observed in tokens the service issues, for example
//
//	{"skypeid":"acs:<resource id>_<user id>","scp":1792,"csi":"1755818174",
//	 "exp":1755821774,"rgn":"amer","acsScope":"chat,voip",
//	 "resourceId":"<resource id>","resourceLocation":"unitedstates","iat":1755818174}
//
// Reading them does not verify the token.
type ACSTokenClaims struct {
	// SkypeID is the identity the token is for ("skypeid"), the user's raw
	// id without its "8:" prefix: "acs:<resource id>_<user id>" for an ACS
	// user, "orgid:<object id>" for a Teams user.
	SkypeID string
	// Scopes are the scopes granted ("acsScope", comma separated in the
	// token), for example chat and voip.
	Scopes []Scope
	// ScopeBits is the service's internal bit mask of permissions ("scp"),
	// for example 1792; it is not documented and is kept as it is.
	ScopeBits int64
	// ResourceID is the immutable id of the Communication Services
	// resource that issued the token ("resourceId").
	ResourceID string
	// ResourceLocation is the data location of that resource
	// ("resourceLocation"), for example "unitedstates".
	ResourceLocation string
	// Region is the service region that issued the token ("rgn"), for
	// example "amer", if given.
	Region string
	// TenantID is the Entra tenant of a Teams user ("tid"), if given.
	TenantID string
	// CSI is the undocumented "csi" claim as it is written; in observed
	// tokens it is the issue time in Unix seconds, as a string.
	CSI string
	// IssuedAt is when the token was issued ("iat").
	IssuedAt time.Time
	// ExpiresOn is when the token stops being valid ("exp").
	ExpiresOn time.Time
}

// Identifier returns the identity the token is for, parsed from "8:" and
// the skypeid claim with ParseRawID: a CommunicationUserIdentifier for an ACS
// user, a MicrosoftTeamsUserIdentifier for a Teams user. It returns nil when
// the claim is empty.
func (c ACSTokenClaims) Identifier() Identifier {
	if c.SkypeID == "" {
		return nil
	}
	return ParseRawID("8:" + c.SkypeID)
}

// User returns the ACS user the token is for ("8:" and the skypeid claim)
// and true, or false when the token is not an ACS user's token (for
// example an exchanged Teams user's token).
func (c ACSTokenClaims) User() (CommunicationUserIdentifier, bool) {
	u, ok := c.Identifier().(CommunicationUserIdentifier)
	return u, ok
}

// HasScope reports whether the token grants scope.
func (c ACSTokenClaims) HasScope(scope Scope) bool {
	for _, s := range c.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// ReadACSToken reads the claims of a Communication Services access token
// without verifying it. It fails with an *InvalidTokenError whose Problem is
// TokenMalformed when token is not a JWT, a claim has the wrong type, or the
// token has no "skypeid" claim (it is then not an ACS access token).
func ReadACSToken(token string) (ACSTokenClaims, error) {
	t, err := parseToken(tokenKindACS, token)
	if err != nil {
		return ACSTokenClaims{}, err
	}
	r := claimReader{kind: tokenKindACS, t: t}
	c := ACSTokenClaims{
		SkypeID:          r.str("skypeid"),
		ResourceID:       r.str("resourceId"),
		ResourceLocation: r.str("resourceLocation"),
		Region:           r.str("rgn"),
		TenantID:         r.str("tid"),
		CSI:              r.strOrNum("csi"),
		IssuedAt:         r.time("iat"),
		ExpiresOn:        r.time("exp"),
	}
	if r.err == nil && c.SkypeID == "" {
		r.err = malformedClaim(tokenKindACS, "skypeid", "is missing; this is not a communication services access token")
	}
	if r.err == nil {
		n, err := t.Int64("scp")
		if err != nil {
			r.err = malformedClaim(tokenKindACS, "scp", "is not an integer")
		}
		c.ScopeBits = n
	}
	for _, s := range strings.Split(r.str("acsScope"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.Scopes = append(c.Scopes, Scope(s))
		}
	}
	if r.err != nil {
		return ACSTokenClaims{}, r.err
	}
	return c, nil
}

// TokenProblem says what is wrong with a token.
type TokenProblem int

// The problems an *InvalidTokenError reports.
const (
	// TokenMalformed: the token is not a JWT, or a claim is missing or has
	// the wrong type.
	TokenMalformed TokenProblem = iota + 1
	// TokenExpired: the token's "exp" has passed.
	TokenExpired
	// TokenNotYetValid: the token's "nbf" has not come yet.
	TokenNotYetValid
	// TokenWrongAudience: the token is for another resource than the
	// Communication Services Teams audience.
	TokenWrongAudience
	// TokenMissingScope: the token lacks Teams.ManageCalls or
	// Teams.ManageChats.
	TokenMissingScope
	// TokenAppIDMismatch: the token was issued to another application than
	// the app id given.
	TokenAppIDMismatch
	// TokenUserIDMismatch: the token belongs to another user than the
	// user id given.
	TokenUserIDMismatch
	// TokenUntrusted: the token's signature does not verify with the
	// issuer's keys, or its issuer is not one that is trusted. Only code
	// that verifies tokens (such as the fake Entra issuer) reports it.
	TokenUntrusted
)

// String returns the problem's name, for example "expired".
func (p TokenProblem) String() string {
	switch p {
	case TokenMalformed:
		return "malformed"
	case TokenExpired:
		return "expired"
	case TokenNotYetValid:
		return "not yet valid"
	case TokenWrongAudience:
		return "wrong audience"
	case TokenMissingScope:
		return "missing scope"
	case TokenAppIDMismatch:
		return "app id mismatch"
	case TokenUserIDMismatch:
		return "user id mismatch"
	case TokenUntrusted:
		return "untrusted"
	}
	return "TokenProblem(" + strconv.Itoa(int(p)) + ")"
}

// Sentinels for errors.Is: errors.Is(err, ErrTokenExpired) reports whether
// err is or wraps an *InvalidTokenError whose Problem is TokenExpired. Use
// errors.As to read the details.
var (
	ErrTokenMalformed      error = &InvalidTokenError{Problem: TokenMalformed}
	ErrTokenExpired        error = &InvalidTokenError{Problem: TokenExpired}
	ErrTokenNotYetValid    error = &InvalidTokenError{Problem: TokenNotYetValid}
	ErrTokenWrongAudience  error = &InvalidTokenError{Problem: TokenWrongAudience}
	ErrTokenMissingScope   error = &InvalidTokenError{Problem: TokenMissingScope}
	ErrTokenAppIDMismatch  error = &InvalidTokenError{Problem: TokenAppIDMismatch}
	ErrTokenUserIDMismatch error = &InvalidTokenError{Problem: TokenUserIDMismatch}
	ErrTokenUntrusted      error = &InvalidTokenError{Problem: TokenUntrusted}
)

const (
	tokenKindEntra = "entra"
	tokenKindACS   = "acs"
)

// InvalidTokenError reports a token that cannot work, found by reading it
// before anything was sent to the service. Its fields and its message may
// show application ids, user ids, audiences, scopes and times, which are not
// secrets; they never show the token.
type InvalidTokenError struct {
	// Problem says what is wrong.
	Problem TokenProblem
	// TokenKind is "entra" for a Microsoft Entra ID token and "acs" for a
	// Communication Services token.
	TokenKind string
	// Claim names the claim at fault ("exp", "aud", "scp", "appid", "azp",
	// "oid", ...), if one is.
	Claim string
	// Got is the claim's value for TokenWrongAudience, TokenMissingScope
	// (the scopes granted), TokenAppIDMismatch and TokenUserIDMismatch.
	Got string
	// Want is what was expected instead: the audience, the missing scopes
	// (space separated), or the app id or user id given.
	Want string
	// At is the token's "exp" for TokenExpired and its "nbf" for
	// TokenNotYetValid.
	At time.Time
	// Now is the time the token was checked against.
	Now time.Time
	// Detail says more about a TokenMalformed or TokenUntrusted problem,
	// in a lowercase phrase.
	Detail string
}

// Is reports whether target is the sentinel (Err...) of e's problem.
func (e *InvalidTokenError) Is(target error) bool {
	t, ok := target.(*InvalidTokenError)
	if !ok || t == nil {
		return false
	}
	return t.Problem == e.Problem && t.Claim == "" && t.TokenKind == "" && t.Detail == ""
}

// Error explains in one sentence what is wrong and what to do about it.
func (e *InvalidTokenError) Error() string {
	what := "token"
	switch e.TokenKind {
	case tokenKindEntra:
		what = "entra token"
	case tokenKindACS:
		what = "acs token"
	}
	var b strings.Builder
	b.WriteString("identity: ")
	b.WriteString(what)
	switch e.Problem {
	case TokenMalformed:
		switch {
		case e.Claim != "":
			b.WriteString(" claim " + strconv.Quote(e.Claim) + " " + orDefault(e.Detail, "is not valid"))
		case e.Detail != "":
			b.WriteString(" is not a readable jwt (" + e.Detail + ")")
		default:
			b.WriteString(" is malformed")
		}
		if e.TokenKind == tokenKindEntra {
			b.WriteString("; pass the user's access token itself, not an id token, a refresh token or an authorization header")
		}
	case TokenExpired:
		b.WriteString(" expired")
		if !e.At.IsZero() {
			b.WriteString(" at " + fmtTime(e.At))
		}
		if !e.Now.IsZero() {
			b.WriteString(" (now " + fmtTime(e.Now) + ")")
		}
		b.WriteString("; acquire a fresh token for the user and use it right away")
	case TokenNotYetValid:
		b.WriteString(" is not valid yet")
		if !e.At.IsZero() {
			b.WriteString(": it starts at " + fmtTime(e.At))
		}
		if !e.Now.IsZero() {
			b.WriteString(" (now " + fmtTime(e.Now) + ")")
		}
		b.WriteString("; check this machine's clock")
	case TokenWrongAudience:
		b.WriteString(" is for audience " + quoteValue(e.Got) + ", not " + quoteValue(orDefault(e.Want, TeamsAudience)) +
			"; request the scopes " + TeamsAudience + "/" + TeamsManageCalls + " and " + TeamsAudience + "/" + TeamsManageChats +
			" (a graph token cannot be exchanged)")
	case TokenMissingScope:
		got := e.Got
		if got == "" {
			got = "none"
		} else {
			got = quoteValue(got)
		}
		b.WriteString(" lacks the scope " + quoteValue(orDefault(e.Want, TeamsManageCalls+" "+TeamsManageChats)) +
			" (it has " + got + "); request both " + TeamsManageCalls + " and " + TeamsManageChats +
			" of " + TeamsAudience + " and have the user or an admin consent to them")
	case TokenAppIDMismatch:
		b.WriteString(" was issued to app " + quoteValue(e.Got) + ", not to the app id " + quoteValue(e.Want) +
			" passed to the exchange; pass the client id of the app that signed the user in")
	case TokenUserIDMismatch:
		b.WriteString(" belongs to user " + quoteValue(e.Got) + ", not to the user id " + quoteValue(e.Want) +
			" passed to the exchange; pass the object id (oid) of the signed-in teams user")
	case TokenUntrusted:
		b.WriteString(" is not trusted")
		if e.Detail != "" {
			b.WriteString(" (" + e.Detail + ")")
		}
		b.WriteString("; get the token from the issuer this service trusts")
	default:
		b.WriteString(" is not valid")
	}
	return b.String()
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// quoteValue quotes a claim value for an error message, shortened so that a
// hostile token cannot make the message arbitrarily long.
func quoteValue(s string) string {
	const max = 100
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}

func malformedClaim(kind, claim, detail string) error {
	return &InvalidTokenError{Problem: TokenMalformed, TokenKind: kind, Claim: claim, Detail: detail}
}

func parseToken(kind, token string) (*jwt.Token, error) {
	t, err := jwt.Parse(token)
	if err != nil {
		detail := "it cannot be parsed"
		var je *jwt.Error
		if errors.As(err, &je) {
			detail = je.Problem
		}
		return nil, &InvalidTokenError{Problem: TokenMalformed, TokenKind: kind, Detail: detail}
	}
	return t, nil
}

// claimReader reads claims and keeps the first type error.
type claimReader struct {
	kind string
	t    *jwt.Token
	err  error
}

func (r *claimReader) fail(name, detail string) {
	if r.err == nil {
		r.err = malformedClaim(r.kind, name, detail)
	}
}

func (r *claimReader) str(name string) string {
	s, err := r.t.StringClaim(name)
	if err != nil {
		r.fail(name, "is not a string")
	}
	return s
}

func (r *claimReader) strOrNum(name string) string {
	s, err := r.t.StringOrNumber(name)
	if err != nil {
		r.fail(name, "is not a string or a number")
	}
	return s
}

func (r *claimReader) strs(name string) []string {
	s, err := r.t.Strings(name)
	if err != nil {
		r.fail(name, "is not a string or an array of strings")
	}
	return s
}

func (r *claimReader) time(name string) time.Time {
	t, err := r.t.Time(name)
	if err != nil {
		r.fail(name, "is not a valid time in seconds since 1970")
	}
	return t
}
