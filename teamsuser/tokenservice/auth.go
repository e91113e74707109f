package tokenservice

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
	"github.com/teamsuser-sdk/teamsuser-go/internal/oidc"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// The issuers of Entra ID tokens; "{tenantid}" stands for the token's
// tenant. v2.0 tokens carry the issuer of the authority's metadata
// document; v1.0 tokens one of their own, which the metadata does not name.
// By cloud (Microsoft Q&A "What are the token issuers for the sovereign
// cloud?", learn.microsoft.com/answers/questions/1190472; the authority
// hosts are those of Learn's entra/identity-platform/authentication-national-cloud):
//
//	cloud                          v2.0 issuer host                  v1.0 issuer
//	global                         login.microsoftonline.com         https://sts.windows.net/{tenantid}/
//	US Government (GCC High, DoD)  login.microsoftonline.us          https://sts.windows.net/{tenantid}/
//	China (21Vianet)               login.partner.microsoftonline.cn  https://sts.chinacloudapi.cn/{tenantid}/
//
// login.chinacloudapi.cn, China's authority host, is taken as an issuer
// host too (choice).
const (
	publicV2Issuer = "https://login.microsoftonline.com/{tenantid}/v2.0"
	usGovV2Issuer  = "https://login.microsoftonline.us/{tenantid}/v2.0"
	globalV1Issuer = "https://sts.windows.net/{tenantid}/"
	chinaV1Issuer  = "https://sts.chinacloudapi.cn/{tenantid}/"
)

// v1IssuerOf maps the host of a v2.0 issuer to the v1.0 issuer of the
// same cloud.
var v1IssuerOf = map[string]string{
	"login.microsoftonline.com":        globalV1Issuer,
	"login.microsoftonline.us":         globalV1Issuer,
	"login.partner.microsoftonline.cn": chinaV1Issuer,
	"login.chinacloudapi.cn":           chinaV1Issuer,
}

// callerAuth authenticates callers: Entra ID access tokens for the token
// service, verified with the issuer's keys.
type callerAuth struct {
	provider       *oidc.Provider
	audiences      []string
	tenants        map[string]bool // lowercase tenant ids
	anyTenant      bool
	issuers        []string // templates; empty: from the metadata
	requiredScopes []string
	skew           time.Duration
}

// errTenantNotAllowed is what the issuer check returns for a genuine token
// of a tenant that may not call.
type errTenantNotAllowed struct{ tenant string }

func (e *errTenantNotAllowed) Error() string { return "tenant " + e.tenant + " is not allowed" }

// Authenticate authenticates the caller of r (its Authorization: Bearer
// token) as the token service does, so that other handlers of the same
// backend can share its configuration. Errors are *Error, with
// the status and code the service answers with.
func (s *Service) Authenticate(r *http.Request) (Caller, error) {
	c, _, err := s.authenticate(r)
	if err != nil {
		return Caller{}, err
	}
	return c, nil
}

func (s *Service) authenticate(r *http.Request) (Caller, string, *Error) {
	tok, e := bearerToken(r.Header)
	if e != nil {
		return Caller{}, "", e
	}
	c, e := s.auth.verify(r.Context(), tok)
	if e != nil {
		return Caller{}, "", e
	}
	return c, tok, nil
}

// bearerToken reads the one "Authorization: Bearer <token>" header (RFC
// 6750 section 2.1). It never puts the header's value in its error.
func bearerToken(h http.Header) (string, *Error) {
	vals := h.Values("Authorization")
	switch len(vals) {
	case 0:
		return "", svcErr(http.StatusUnauthorized, CodeMissingToken, "the request has no Authorization: Bearer token", nil)
	case 1:
	default:
		return "", svcErr(http.StatusBadRequest, CodeBadRequest, "the request has more than one Authorization header", nil)
	}
	scheme, rest, _ := strings.Cut(vals[0], " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", svcErr(http.StatusUnauthorized, CodeMissingToken, "the Authorization header is not a Bearer token", nil)
	}
	tok := strings.TrimLeft(rest, " ")
	switch {
	case tok == "":
		return "", svcErr(http.StatusUnauthorized, CodeMissingToken, "the Authorization header has an empty Bearer token", nil)
	case len(tok) > jwt.MaxTokenSize:
		return "", svcErr(http.StatusUnauthorized, CodeInvalidToken, "the caller's token is too large", nil)
	case !isB64Token(tok):
		return "", svcErr(http.StatusUnauthorized, CodeInvalidToken, "the caller's token is not a bearer token (RFC 6750 b64token)", nil)
	}
	return tok, nil
}

// isB64Token reports whether s is an RFC 6750 b64token:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	i := 0
	for i < len(s) {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' {
			i++
			continue
		}
		break
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// verify validates the caller's token and reads the caller from it.
func (a *callerAuth) verify(ctx context.Context, token string) (Caller, *Error) {
	t, err := a.provider.Validate(ctx, token, &oidc.Checks{
		Audiences: a.audiences,
		Issuer:    a.checkIssuer,
		ClockSkew: a.skew,
	})
	if err != nil {
		return Caller{}, authError(err)
	}
	invalid := func(msg string) *Error {
		return svcErr(http.StatusUnauthorized, CodeInvalidToken, msg, nil)
	}
	var c Caller
	var errs [6]error
	c.TenantID, errs[0] = t.StringClaim("tid")
	c.ObjectID, errs[1] = t.StringClaim("oid")
	c.Name, errs[2] = t.StringClaim("name")
	c.Username, errs[3] = t.StringClaim("preferred_username")
	if c.Username == "" {
		c.Username, errs[3] = t.StringClaim("upn")
	}
	c.ClientAppID, errs[4] = t.StringClaim("azp")
	if c.ClientAppID == "" {
		c.ClientAppID, errs[4] = t.StringClaim("appid")
	}
	scp, errScp := t.StringClaim("scp")
	errs[5] = errScp
	if err := errors.Join(errs[:]...); err != nil {
		return Caller{}, invalid("the caller's token has a claim of the wrong type")
	}
	c.TenantID, c.ObjectID = strings.ToLower(c.TenantID), strings.ToLower(c.ObjectID)
	c.ExpiresOn, _ = t.Time("exp")
	if !uuid.IsGUID(c.ObjectID) {
		return Caller{}, invalid("the caller's token has no user object id (\"oid\")")
	}
	c.Scopes = strings.Fields(scp)
	if len(c.Scopes) == 0 {
		return Caller{}, svcErr(http.StatusForbidden, CodeUserTokenRequired,
			"the caller's token is not a delegated token of a signed-in user (it has no \"scp\")", nil)
	}
	if len(a.requiredScopes) > 0 && !hasAnyScope(c.Scopes, a.requiredScopes) {
		return Caller{}, svcErr(http.StatusForbidden, CodeInsufficientScope,
			"the caller's token has none of the required scopes ("+strings.Join(a.requiredScopes, " ")+")", nil)
	}
	return c, nil
}

func hasAnyScope(have, want []string) bool {
	for _, h := range have {
		for _, w := range want {
			if h == w {
				return true
			}
		}
	}
	return false
}

// checkIssuer checks, for a token whose signature verified, that its tenant
// may call and that its issuer is the issuer of that tenant.
func (a *callerAuth) checkIssuer(iss string, md oidc.Metadata, t *jwt.Token) error {
	tid, err := t.StringClaim("tid")
	if err != nil || !uuid.IsGUID(tid) {
		return &oidc.Error{Problem: oidc.Malformed, Detail: "it has no tenant id (\"tid\")"}
	}
	tid = strings.ToLower(tid)
	if !a.anyTenant && !a.tenants[tid] {
		return &errTenantNotAllowed{tenant: tid}
	}
	if iss == "" {
		return &oidc.Error{Problem: oidc.WrongIssuer, Detail: "it has no issuer"}
	}
	templates := a.issuers
	if len(templates) == 0 {
		templates = []string{md.Issuer}
		if u, err := url.Parse(md.Issuer); err == nil && v1IssuerOf[strings.ToLower(u.Host)] != "" {
			templates = append(templates, v1IssuerOf[strings.ToLower(u.Host)])
		}
	}
	for _, tmpl := range templates {
		// Issuers are URLs whose only variable part is the tenant id, a
		// GUID: case does not matter.
		if strings.EqualFold(iss, strings.ReplaceAll(tmpl, "{tenantid}", tid)) {
			return nil
		}
	}
	return &oidc.Error{Problem: oidc.WrongIssuer, Detail: "its issuer is not the issuer of its tenant"}
}

// authError maps a validation error to the answer.
func authError(err error) *Error {
	var tna *errTenantNotAllowed
	if errors.As(err, &tna) {
		return svcErr(http.StatusForbidden, CodeTenantNotAllowed, "the caller's tenant is not allowed to use this service", err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return svcErr(http.StatusServiceUnavailable, CodeAuthorityUnavailable, "the caller could not be authenticated in time", err)
	}
	var oe *oidc.Error
	if !errors.As(err, &oe) {
		return svcErr(http.StatusUnauthorized, CodeInvalidToken, "the caller's token is not valid", err)
	}
	msg := "the caller's token is not valid"
	switch oe.Problem {
	case oidc.Unavailable:
		return svcErr(http.StatusServiceUnavailable, CodeAuthorityUnavailable, "the identity provider's signing keys cannot be fetched; try again later", err)
	case oidc.Malformed:
		msg = "the caller's token is not a well-formed RS256 access token"
	case oidc.Untrusted:
		msg = "the caller's token is not signed by the identity provider"
	case oidc.Expired:
		msg = "the caller's token has expired"
	case oidc.NotYetValid:
		msg = "the caller's token is not valid yet"
	case oidc.WrongAudience:
		msg = "the caller's token is not for this service (audience)"
	case oidc.WrongIssuer:
		msg = "the caller's token is not from the issuer of its tenant"
	}
	return svcErr(http.StatusUnauthorized, CodeInvalidToken, msg, err)
}
