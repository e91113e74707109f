package fake

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
	"github.com/teamsuser-sdk/teamsuser-go/internal/hmacauth"
	"github.com/teamsuser-sdk/teamsuser-go/internal/httpserver"
	"github.com/teamsuser-sdk/teamsuser-go/internal/identitywire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// maxBody bounds request bodies; the service's are small.
const maxBody = 64 << 10

// SupportedAPIVersions are the api-versions the HTTP face answers: the stable
// versions of the identity REST API, one folder each under
// specification/communication/data-plane/Identity/stable/ in
// Azure/azure-rest-api-specs. Preview versions, and the 2026-07-22 and
// 2026-09-23 folders of the TypeSpec migration (found in the index of the
// repository, not confirmed on its main branch), are refused, as is any
// other string (choice).
var SupportedAPIVersions = []string{
	"2021-03-07", "2022-06-01", "2022-09-01", "2022-10-01", "2023-08-01", "2023-10-01", "2025-06-30",
}

// The first stable api-version of each operation that is not in all of them
// (operations missing here exist since 2021-03-07):
//
//   - POST /teamsUser/:exchangeAccessToken: 2022-06-01 (2021-03-07 has no
//     /teamsUser path; the exchange was in preview from 2021-10-31-preview);
//   - GET /identities/{id}: 2025-06-30 (no earlier stable folder defines a
//     get operation);
//   - the Teams Phone extensibility operations (/access/teamsExtension/...):
//     2025-06-30.
//
// The service answers a route that exists but not in the requested version
// the way ASP.NET API versioning does, as for a version that does not exist
// at all (choice: the same 400 UnsupportedApiVersion, see unsupportedVersion).
var since = map[string]string{
	OpExchangeTeamsUserToken:         "2022-06-01",
	OpGetUser:                        "2025-06-30",
	OpExchangeTeamsPhoneToken:        "2025-06-30",
	OpPutTeamsExtensionAssignment:    "2025-06-30",
	OpGetTeamsExtensionAssignment:    "2025-06-30",
	OpDeleteTeamsExtensionAssignment: "2025-06-30",
}

// byUserToken are the operations authenticated by the caller's own Entra
// token, the request's bearer token, instead of the resource's access key
// or an Entra credential for the resource: the Teams Phone exchange (the
// official SDKs' EntraTokenCredential sends it with only the user's token,
// BearerTokenAuthenticationPolicy with the TeamsExtension.ManageCalls scope).
var byUserToken = map[string]bool{OpExchangeTeamsPhoneToken: true}

// Handler returns the HTTP face: the ACS identity REST API on this state.
// Requests must be signed with the access key (HMAC-SHA256) or carry an
// Entra ID bearer token that passes VerifyACSBearer with Options.Entra (or
// that Options.AllowBearer accepts); anything else gets the service's 401
// Denied.
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /identities", s.serve(OpCreateUser, func(r *http.Request, body []byte) (int, any, *apiError) {
		// The body is optional (CommunicationIdentity_Create has no
		// "required": true on it in any stable version): the official
		// JavaScript SDK's createUser sends none, Content-Length 0
		// (azure-sdk-for-js sdk/communication/communication-identity/
		// recordings/browsers/communicationidentityclient_playbacklive/
		// recording_successfully_creates_a_user.json: "RequestBody": null,
		// answered 201).
		var req identitywire.CreateRequest
		if len(body) > 0 {
			if e := decode(body, &req); e != nil {
				return 0, nil, e
			}
		}
		out, e := s.create(req)
		return http.StatusCreated, out, e
	}))
	mux.HandleFunc("GET /identities/{id}", s.serve(OpGetUser, func(r *http.Request, _ []byte) (int, any, *apiError) {
		out, e := s.get(r.PathValue("id"))
		return http.StatusOK, out, e
	}))
	mux.HandleFunc("DELETE /identities/{id}", s.serve(OpDeleteUser, func(r *http.Request, _ []byte) (int, any, *apiError) {
		return http.StatusNoContent, nil, s.delete(r.PathValue("id"))
	}))
	mux.HandleFunc("POST /identities/{id}/{action}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("action") {
		case ":issueAccessToken":
			s.serve(OpIssueToken, func(r *http.Request, body []byte) (int, any, *apiError) {
				var req identitywire.IssueRequest
				if e := decode(body, &req); e != nil {
					return 0, nil, e
				}
				out, e := s.issue(r.PathValue("id"), req)
				return http.StatusOK, out, e
			})(w, r)
		case ":revokeAccessTokens":
			s.serve(OpRevokeTokens, func(r *http.Request, _ []byte) (int, any, *apiError) {
				return http.StatusNoContent, nil, s.revoke(r.PathValue("id"))
			})(w, r)
		default:
			s.unrouted(w, r)
		}
	})
	mux.HandleFunc("POST /teamsUser/:exchangeAccessToken", s.serve(OpExchangeTeamsUserToken, func(r *http.Request, body []byte) (int, any, *apiError) {
		var req identitywire.ExchangeRequest
		if e := decode(body, &req); e != nil {
			return 0, nil, e
		}
		out, e := s.exchange(req)
		return http.StatusOK, out, e
	}))
	const assignment = "/access/teamsExtension/tenants/{tenantId}/assignments/{objectId}"
	mux.HandleFunc("PUT "+assignment, s.serve(OpPutTeamsExtensionAssignment, func(r *http.Request, body []byte) (int, any, *apiError) {
		var req identitywire.TeamsExtensionAssignmentRequest
		if e := decode(body, &req); e != nil {
			return 0, nil, e
		}
		out, created, e := s.putAssignment(r.PathValue("tenantId"), r.PathValue("objectId"), req)
		if created {
			return http.StatusCreated, out, e
		}
		return http.StatusOK, out, e
	}))
	mux.HandleFunc("GET "+assignment, s.serve(OpGetTeamsExtensionAssignment, func(r *http.Request, _ []byte) (int, any, *apiError) {
		out, e := s.getAssignment(r.PathValue("tenantId"), r.PathValue("objectId"))
		return http.StatusOK, out, e
	}))
	mux.HandleFunc("DELETE "+assignment, s.serve(OpDeleteTeamsExtensionAssignment, func(r *http.Request, _ []byte) (int, any, *apiError) {
		return http.StatusNoContent, nil, s.deleteAssignment(r.PathValue("tenantId"), r.PathValue("objectId"))
	}))
	mux.HandleFunc("POST /access/teamsExtension/:exchangeAccessToken", s.serve(OpExchangeTeamsPhoneToken, func(r *http.Request, body []byte) (int, any, *apiError) {
		// The body is required and has no properties: "{}".
		var req identitywire.TeamsPhoneExchangeRequest
		if e := decode(body, &req); e != nil {
			return 0, nil, e
		}
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		out, e := s.exchangePhone(tok)
		return http.StatusOK, out, e
	}))
	mux.HandleFunc("/", s.unrouted)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every answer, errors included, carries an MS-CV and echoes the
		// request's x-ms-client-request-id, as the service's do
		// (azure-sdk-for-net sdk/communication/Azure.Communication.Identity/
		// tests/SessionRecords/CommunicationIdentityClientLiveTests/
		// GetTokenForTeamsUserWithExpiredTokenShouldThrow.json, a 401). The
		// MS-CV here is a random UUID; the service's is a correlation
		// vector ("8SB4INY2okiMrXUh9O7qng.0"), opaque to clients.
		w.Header().Set("MS-CV", uuid.New())
		if id := r.Header.Get("x-ms-client-request-id"); id != "" {
			w.Header().Set("x-ms-client-request-id", id)
		}
		mux.ServeHTTP(w, r)
	})
}

// NewServer serves the HTTP face on a loopback port. Close the server when done.
func (s *Service) NewServer() *httptest.Server { return httpserver.NewTestServer(s.Handler(), nil) }

func decode(body []byte, v any) *apiError {
	if len(body) == 0 {
		return validation("A non-empty request body is required.", "body")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return validation("The request body is not valid JSON.", "body")
	}
	return nil
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", e.retryAfterHeader())
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_, _ = w.Write(e.body())
}

func (s *Service) serve(op string, h func(r *http.Request, body []byte) (int, any, *apiError)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rq := Request{Face: "http", Op: op, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, At: s.now()}
		defer func() { s.logRequest(rq) }() // also when a dropped connection panics
		fail := func(e *apiError) {
			rq.Status = e.status
			writeError(w, e)
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				fail(&apiError{status: http.StatusRequestEntityTooLarge, code: "RequestTooLarge", msg: "The request body is too large."})
				return
			}
			fail(validation("The request body could not be read.", "body"))
			return
		}
		if byUserToken[op] {
			if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); !ok || tok == "" {
				fail(denied)
				return
			}
		} else if e := s.authenticate(r, body); e != nil {
			fail(e)
			return
		}
		v := r.URL.Query().Get("api-version")
		if v == "" {
			fail(&apiError{status: http.StatusBadRequest, code: "MissingApiVersionParameter", msg: "The api-version query parameter (?api-version=) is required for all requests."})
			return
		}
		if !slices.Contains(SupportedAPIVersions, v) || v < since[op] {
			fail(unsupportedVersion(r, v))
			return
		}
		if s.isClosed() {
			fail(errClosed)
			return
		}
		f := s.faults.Take(op)
		rq.Injected = f != nil
		var status int
		var out any
		var e *apiError
		switch fakekit.Apply(r.Context(), f, func() { status, out, e = h(r, body) }) {
		case fakekit.Gone:
			return
		case fakekit.Drop:
			panic(http.ErrAbortHandler) // the server closes the connection without an answer
		case fakekit.Fail:
			e = faultError(f)
		}
		if e != nil {
			fail(e)
			return
		}
		rq.Status = status
		if out == nil {
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(out)
	}
}

// unrouted answers a request of no operation with the service's 404, and
// logs it.
func (s *Service) unrouted(w http.ResponseWriter, r *http.Request) {
	e := &apiError{status: http.StatusNotFound, code: "NotFound", msg: "Resource not found."}
	s.logRequest(Request{Face: "http", Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: e.status, At: s.now()})
	writeError(w, e)
}

// unsupportedVersion is the service's answer to an api-version it does not
// know, or that does not have the operation asked for: 400
// UnsupportedApiVersion, "The HTTP resource that matches the request URI
// '<scheme>://<host><path>' does not support the API version '<version>'."
// (a real response of the identity service, quoted in
// Azure-Samples/communication-services-web-calling-tutorial#8 and
// Azure/Communication#159 for POST /identities?api-version=2020-07-20-preview2;
// the URI is the request's without its query).
func unsupportedVersion(r *http.Request, v string) *apiError {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	uri := scheme + "://" + r.Host + r.URL.EscapedPath()
	return &apiError{status: http.StatusBadRequest, code: "UnsupportedApiVersion",
		msg: "The HTTP resource that matches the request URI '" + uri + "' does not support the API version '" + v + "'."}
}

// denied is ACS's answer to a request whose credentials it refuses: 401
// "Denied by the resource provider." — seen in the official SDKs' runs
// against the service (Azure/azure-sdk-for-js#27642, a Communication
// client with Entra ID auth; Azure-Samples/communication-services-
// javascript-quickstarts#179). The code "Denied" is a choice: neither
// shows the body's code, and the REST spec documents no 401 body.
var denied = &apiError{status: http.StatusUnauthorized, code: "Denied", msg: "Denied by the resource provider."}

// authenticate checks the request's HMAC-SHA256 signature (against the
// machine's time, as calling/fake does: the client dates its signature with
// its own wall clock, whatever the service's clock says), or its Entra
// bearer token: with Options.AllowBearer, as it decides; otherwise with
// VerifyACSBearer and Options.Entra's keys, and without an Entra issuer not
// at all (the fake has no keys to trust).
func (s *Service) authenticate(r *http.Request, body []byte) *apiError {
	auth := r.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(auth, "Bearer "); ok {
		switch {
		case tok == "":
			return denied
		case s.opts.AllowBearer != nil:
			if !s.opts.AllowBearer(tok) {
				return denied
			}
		case s.opts.Entra == nil:
			return denied
		default:
			if _, err := VerifyACSBearer(s.opts.Entra, tok); err != nil {
				return denied
			}
		}
		return nil
	}
	if err := hmacauth.Verify(r, body, s.key, time.Now(), 15*time.Minute); err != nil {
		return denied
	}
	return nil
}
