package tokenservice

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/acsclient"
	"github.com/teamsuser-sdk/teamsuser-go/internal/jwt"
)

// request is what ServeHTTP learns about one request, for its log record.
type request struct {
	status  int
	caller  Caller
	mode    string   // "forwarded" or "on-behalf-of"
	secrets []string // tokens seen, scrubbed from the log record

	rateLimitErr error // the rate limit's shared store failed
}

// ServeHTTP implements http.Handler; see Service for the protocol.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var rq request
	if e := s.handle(w, r, &rq); e != nil {
		rq.status = e.Status
		writeError(w, e)
		s.logRequest(r, &rq, e)
		return
	}
	s.logRequest(r, &rq, nil)
}

func (s *Service) handle(w http.ResponseWriter, r *http.Request, rq *request) *Error {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if s.cors != nil {
		switch origins := r.Header.Values("Origin"); {
		case len(origins) > 1:
			return svcErr(http.StatusBadRequest, CodeBadRequest, "the request has more than one Origin header", nil)
		case len(origins) == 1:
			origin, ok := s.cors.allows(origins[0])
			if !ok {
				return svcErr(http.StatusForbidden, CodeOriginNotAllowed, "the request's origin is not allowed to call this service", nil)
			}
			s.cors.headers(h, origin)
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				s.cors.preflight(h)
			}
		}
	}
	switch r.Method {
	case http.MethodPost:
	case http.MethodOptions:
		h.Set("Allow", "OPTIONS, POST")
		rq.status = http.StatusNoContent
		w.WriteHeader(http.StatusNoContent)
		return nil
	default:
		h.Set("Allow", "OPTIONS, POST")
		return svcErr(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "use POST", nil)
	}

	caller, callerToken, e := s.authenticate(r)
	if callerToken != "" {
		rq.secrets = append(rq.secrets, callerToken)
	}
	if e != nil {
		if e.Status == http.StatusUnauthorized {
			challenge := `Bearer`
			if e.Code == CodeInvalidToken {
				challenge = `Bearer error="invalid_token", error_description="` + strings.ReplaceAll(e.Message, `"`, `'`) + `"`
			}
			h.Set("WWW-Authenticate", challenge)
		}
		return e
	}
	rq.caller = caller
	if s.limits != nil {
		ok, wait, err := s.limits.take(r.Context(), caller.TenantID+"/"+caller.ObjectID, s.clock.Now())
		rq.rateLimitErr = err
		if !ok {
			e := svcErr(http.StatusTooManyRequests, CodeRateLimited, "too many token requests for this user; retry later", nil)
			e.RetryAfter = wait
			return e
		}
	}

	teamsToken, e := s.readRequest(w, r)
	if e != nil {
		return e
	}
	if teamsToken != "" {
		rq.mode = "forwarded"
		rq.secrets = append(rq.secrets, teamsToken)
	} else {
		if s.obo == nil {
			return svcErr(http.StatusBadRequest, CodeTeamsTokenRequired,
				"forward the Teams user's Entra token (for Teams.ManageCalls and Teams.ManageChats) in \"teamsToken\" or the "+TeamsTokenHeader+" header", nil)
		}
		rq.mode = "on-behalf-of"
	}
	res, e := s.token(r.Context(), caller, callerToken, teamsToken, rq)
	if e != nil {
		return e
	}
	body, err := json.Marshal(wireResponse{
		Token:     res.Token,
		ExpiresOn: res.ExpiresOn.UTC(),
		User:      identity.ModelFromIdentifier(caller.TeamsUser(s.cloud)),
	})
	if err != nil {
		return svcErr(http.StatusInternalServerError, CodeExchangeFailed, "the answer could not be encoded", err)
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Pragma", "no-cache")
	rq.status = http.StatusOK
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}

// token returns the caller's ACS token, exchanged from teamsToken (the
// forwarded one, or, when it is empty, one obtained on behalf of the
// caller), or, with a shared cache, the one the cache holds for the caller.
func (s *Service) token(ctx context.Context, caller Caller, callerToken, teamsToken string, rq *request) (identity.AccessToken, *Error) {
	forwarded := teamsToken != ""
	appID := s.forwardedAppID
	if !forwarded {
		appID = s.appID
	}
	if s.shared == nil {
		if !forwarded {
			var e *Error
			if teamsToken, e = s.onBehalfOf(ctx, caller, callerToken, rq); e != nil {
				return identity.AccessToken{}, e
			}
		}
		res, err := s.exchanger.ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{
			Token:  teamsToken,
			AppID:  appID,
			UserID: caller.ObjectID, // always the authenticated caller
		}, nil)
		if res.Token != "" {
			rq.secrets = append(rq.secrets, res.Token)
		}
		if err != nil {
			return identity.AccessToken{}, exchangeError(err, forwarded, s.clock.Now())
		}
		return res.AccessToken, nil
	}

	// The shared cache: the request is a credential of the caller on it,
	// whose Entra token is the request's Teams token. A cached token spares
	// the exchange (and the on-behalf-of step), so a forwarded token is
	// checked here as the identity client checks it before an exchange.
	if forwarded {
		if _, err := identity.CheckTeamsUserToken(teamsToken, appID, caller.ObjectID, s.clock.Now()); err != nil {
			return identity.AccessToken{}, exchangeError(err, true, s.clock.Now())
		}
	}
	entra := teamsTokenSource(func(ctx context.Context) (azcore.AccessToken, error) {
		if forwarded {
			return azcore.AccessToken{Token: teamsToken}, nil
		}
		tok, e := s.onBehalfOf(ctx, caller, callerToken, rq)
		if e != nil {
			return azcore.AccessToken{}, e
		}
		return azcore.AccessToken{Token: tok}, nil
	})
	cred, err := identity.NewTeamsUserCredential(s.exchanger, entra, appID, caller.ObjectID, &identity.TeamsUserCredentialOptions{
		Clock:         s.clock,
		SharedCache:   s.shared,
		SharedCacheID: s.sharedID(appID, caller.ObjectID),
	})
	if err != nil {
		return identity.AccessToken{}, svcErr(http.StatusInternalServerError, CodeExchangeFailed, "the shared token cache is not configured right", err)
	}
	tok, err := cred.Token(ctx)
	// Close waits for the credential's goroutines, the on-behalf-of step
	// among them, which may have added to rq.secrets.
	_ = cred.Close()
	if tok.Token != "" {
		rq.secrets = append(rq.secrets, tok.Token)
	}
	if err != nil {
		if e := (*Error)(nil); errors.As(err, &e) {
			return identity.AccessToken{}, e // the on-behalf-of step's answer
		}
		return identity.AccessToken{}, exchangeError(err, forwarded, s.clock.Now())
	}
	return tok, nil
}

// teamsTokenSource gives a credential the Teams user's Entra token of one
// request.
type teamsTokenSource func(ctx context.Context) (azcore.AccessToken, error)

// GetToken implements azcore.TokenCredential.
func (f teamsTokenSource) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return f(ctx)
}

// onBehalfOf obtains the caller's Teams token on behalf of the caller.
func (s *Service) onBehalfOf(ctx context.Context, caller Caller, callerToken string, rq *request) (string, *Error) {
	at, err := s.obo(ctx, caller, callerToken)
	if at.Token != "" {
		rq.secrets = append(rq.secrets, at.Token)
	}
	if err != nil {
		return "", svcErr(http.StatusBadGateway, CodeOnBehalfOfFailed, "the Teams token could not be obtained on behalf of the caller", err)
	}
	if at.Token == "" {
		return "", svcErr(http.StatusBadGateway, CodeOnBehalfOfFailed, "the on-behalf-of flow returned no token", nil)
	}
	return at.Token, nil
}

// readRequest reads the body (within the limit) and decodes the request.
func (s *Service) readRequest(w http.ResponseWriter, r *http.Request) (string, *Error) {
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				return "", svcErr(http.StatusRequestEntityTooLarge, CodeRequestTooLarge,
					"the request body is larger than "+strconv.FormatInt(s.maxBody, 10)+" bytes", nil)
			}
			return "", svcErr(http.StatusBadRequest, CodeBadRequest, "the request body could not be read", err)
		}
		body = b
	}
	return decodeTokenRequest(r.Header, body)
}

// namingMembers are body members that would name a user or an app: the
// user is always the authenticated caller and the app is configured.
var namingMembers = map[string]bool{
	"userid": true, "user": true, "oid": true, "objectid": true, "teamsuserid": true, "id": true,
	"appid": true, "clientid": true, "tenantid": true, "tid": true, "rawid": true, "communicationuserid": true,
}

// decodeTokenRequest reads the Teams token from the TeamsTokenHeader header
// and the JSON body {"teamsToken": "..."}; both are optional. It returns ""
// when neither carries one. Its errors never contain the input.
func decodeTokenRequest(h http.Header, body []byte) (string, *Error) {
	bad := func(msg string) (string, *Error) {
		return "", svcErr(http.StatusBadRequest, CodeBadRequest, msg, nil)
	}
	var fromHeader string
	switch vals := h.Values(TeamsTokenHeader); len(vals) {
	case 0:
	case 1:
		fromHeader = strings.TrimSpace(vals[0])
		if fromHeader == "" {
			return bad("the " + TeamsTokenHeader + " header is empty")
		}
	default:
		return bad("the request has more than one " + TeamsTokenHeader + " header")
	}

	var fromBody string
	if len(bytes.TrimSpace(body)) > 0 {
		mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
		if err != nil || mt != "application/json" {
			return "", svcErr(http.StatusUnsupportedMediaType, CodeUnsupportedMediaType, "the request body must be application/json", nil)
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			return bad("the request body is not a JSON object")
		}
		seen := false
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return bad("the request body is not valid JSON")
			}
			name, _ := t.(string)
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return bad("the request body is not valid JSON")
			}
			switch {
			case name == "teamsToken":
				if seen {
					return bad("the request body has \"teamsToken\" more than once")
				}
				seen = true
				if string(raw) == "null" {
					continue
				}
				if json.Unmarshal(raw, &fromBody) != nil {
					return bad("\"teamsToken\" is not a string")
				}
				fromBody = strings.TrimSpace(fromBody)
				if fromBody == "" {
					return bad("\"teamsToken\" is empty")
				}
			case namingMembers[strings.ToLower(name)]:
				return bad("the request names a user or an app (" + safeName(name) + "); the user is always the authenticated caller and the app is the service's own")
			default:
				return bad("the request body has an unknown member (" + safeName(name) + "); the only member is \"teamsToken\"")
			}
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('}') {
			return bad("the request body is not valid JSON")
		}
		if _, err := dec.Token(); err != io.EOF {
			return bad("the request body has data after the JSON object")
		}
	}

	tok := fromBody
	switch {
	case fromHeader != "" && fromBody != "" && fromHeader != fromBody:
		return bad("the request carries two different Teams tokens (header and body)")
	case fromHeader != "":
		tok = fromHeader
	}
	if tok == "" {
		return "", nil
	}
	if len(tok) > jwt.MaxTokenSize {
		return bad("the Teams token is too large")
	}
	if len(tok) > 7 && strings.EqualFold(tok[:7], "bearer ") {
		return bad("send the Teams token without the \"Bearer \" prefix")
	}
	if !isB64Token(tok) {
		return "", svcErr(http.StatusBadRequest, CodeInvalidTeamsToken, "the Teams token is not a JWT", nil)
	}
	return tok, nil
}

// safeName quotes a member name for an error message if it is short and
// plain, so that a client cannot make the service log a secret.
func safeName(name string) string {
	if len(name) == 0 || len(name) > 32 {
		return "a member"
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return "a member"
		}
	}
	return strconv.Quote(name)
}

// exchangeError maps an error of the exchange to the answer. forwarded
// says whether the client sent the Teams token: then a token the service
// refuses is the client's fault (4xx), otherwise the service's (502). A
// throttled exchange passes on the wait ACS asked for, read as the identity
// client reads it, from now, or the wait an identity.ExchangePool's budget
// asked for.
func exchangeError(err error, forwarded bool, now time.Time) *Error {
	var ite *identity.InvalidTokenError
	if errors.As(err, &ite) {
		if ite.Problem == identity.TokenUserIDMismatch {
			if forwarded {
				return svcErr(http.StatusForbidden, CodeTeamsTokenWrongUser, "the Teams token belongs to another user than the caller", err)
			}
			return svcErr(http.StatusBadGateway, CodeOnBehalfOfFailed, "the token obtained on behalf of the caller is for another user", err)
		}
		if forwarded {
			return svcErr(http.StatusBadRequest, CodeInvalidTeamsToken, "the Teams token cannot be exchanged: "+teamsTokenProblem(ite.Problem), err)
		}
		return svcErr(http.StatusBadGateway, CodeOnBehalfOfFailed, "the token obtained on behalf of the caller cannot be exchanged: "+teamsTokenProblem(ite.Problem), err)
	}
	if te := (*identity.ExchangeThrottledError)(nil); errors.As(err, &te) {
		// An identity.ExchangePool kept the exchange under the resource's
		// budget: throttled as ACS would have, before asking it.
		e := svcErr(http.StatusServiceUnavailable, CodeExchangeThrottled, "Communication Services is throttling token exchanges; retry later", err)
		e.RetryAfter = max(te.RetryAfter, time.Second)
		return e
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		code := identity.ErrorCode(err)
		switch {
		case re.StatusCode == http.StatusTooManyRequests:
			e := svcErr(http.StatusServiceUnavailable, CodeExchangeThrottled, "Communication Services is throttling token exchanges; retry later", err)
			if re.RawResponse != nil {
				e.RetryAfter = acsclient.RetryAfter(re.RawResponse.Header, now)
			}
			if e.RetryAfter <= 0 {
				e.RetryAfter = 30 * time.Second
			}
			return e
		case forwarded && re.StatusCode == http.StatusUnauthorized && code == "InvalidAccessToken":
			return svcErr(http.StatusBadRequest, CodeInvalidTeamsToken, "Communication Services refused the Teams token", err)
		case forwarded && re.StatusCode == http.StatusBadRequest && code == "ValidationError":
			return svcErr(http.StatusBadRequest, CodeInvalidTeamsToken, "Communication Services refused the Teams token for this app or user", err)
		}
		return svcErr(http.StatusBadGateway, CodeExchangeFailed, "Communication Services did not exchange the token (status "+strconv.Itoa(re.StatusCode)+")", err)
	}
	return svcErr(http.StatusBadGateway, CodeExchangeFailed, "the token exchange with Communication Services failed", err)
}

func teamsTokenProblem(p identity.TokenProblem) string {
	switch p {
	case identity.TokenExpired:
		return "it has expired"
	case identity.TokenNotYetValid:
		return "it is not valid yet"
	case identity.TokenWrongAudience:
		return "it is not for Communication Services (request the Teams.ManageCalls and Teams.ManageChats scopes)"
	case identity.TokenMissingScope:
		return "it lacks Teams.ManageCalls or Teams.ManageChats"
	case identity.TokenAppIDMismatch:
		return "it was issued to another app"
	}
	return "it is not a well-formed Entra ID access token"
}

// errorBody is the JSON of an error answer.
type errorBody struct {
	Error struct {
		Code    ErrorCode `json:"code"`
		Message string    `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, e *Error) {
	var b errorBody
	b.Error.Code, b.Error.Message = e.Code, e.Message
	body, _ := json.Marshal(b)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	if e.RetryAfter > 0 {
		h.Set("Retry-After", strconv.FormatInt(int64((e.RetryAfter+time.Second-1)/time.Second), 10))
	}
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}

// jwtLike matches what looks like a compact JWS, to scrub from log records
// whatever token a dependency might have put in an error.
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`)

// scrub removes the secrets and anything that looks like a JWT from s.
func scrub(s string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 8 {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	return jwtLike.ReplaceAllString(s, "[REDACTED JWT]")
}

func (s *Service) logRequest(r *http.Request, rq *request, e *Error) {
	ctx := r.Context()
	level := slog.LevelInfo
	switch {
	case rq.status >= 500:
		level = slog.LevelError
	case rq.status >= 400, rq.rateLimitErr != nil:
		level = slog.LevelWarn
	}
	if !s.log.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs, slog.String("method", r.Method), slog.Int("status", rq.status))
	if e != nil {
		attrs = append(attrs, slog.String("code", string(e.Code)))
	}
	if rq.caller.ObjectID != "" {
		attrs = append(attrs, slog.String("tenant", rq.caller.TenantID), slog.String("user", rq.caller.ObjectID))
	}
	if rq.mode != "" {
		attrs = append(attrs, slog.String("teamsToken", rq.mode))
	}
	if e != nil && e.Err != nil {
		attrs = append(attrs, slog.String("cause", scrub(e.Err.Error(), rq.secrets)))
	}
	if rq.rateLimitErr != nil {
		attrs = append(attrs, slog.String("rateLimitStore", scrub(rq.rateLimitErr.Error(), rq.secrets)))
	}
	s.log.LogAttrs(ctx, level, "tokenservice: token request", attrs...)
}

var _ http.Handler = (*Service)(nil)
