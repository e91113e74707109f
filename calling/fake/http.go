package fake

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	identityfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
	"github.com/teamsuser-sdk/teamsuser-go/internal/fakekit"
	"github.com/teamsuser-sdk/teamsuser-go/internal/hmacauth"
	"github.com/teamsuser-sdk/teamsuser-go/internal/httpserver"
)

// The HTTP face: the Call Automation REST API on the switchboard's state.
// Requests are decoded and responses encoded with internal/callwire, the
// codec the real client uses, and converted to and from calling's types in
// wire_convert.go, then run by the same operations as the Go face.

// maxBody bounds request bodies; the API's are small.
const maxBody = 256 << 10

// SupportedAPIVersions are the api-versions the HTTP face answers: the
// stable versions of the Call Automation REST API, one folder each under
// specification/communication/data-plane/CallAutomation/stable/ in
// Azure/azure-rest-api-specs (the readme's package-2023-03-06 to
// package-2025-06-15 tags, and the 2026-03-12 folder, whose info.version
// says 2026-03-12). Preview versions (2022-04-07-preview,
// 2023-06-15-preview, ...) and any other string are refused (choice: the
// fake serves the stable API only).
var SupportedAPIVersions = []string{
	"2023-03-06", "2023-10-15", "2024-04-15", "2024-09-15", "2025-05-15", "2025-06-15", calling.DefaultAPIVersion,
}

// replay is the stored answer of a repeatable request.
type replay struct {
	path   string
	status int
	body   []byte
}

// handlerFunc runs one routed operation: the call connection id and the
// participant raw id of the path (if any), the body read.
type handlerFunc func(sb *Switchboard, r *http.Request, id, raw string, body []byte) (status int, out any, e *apiError)

// Handler returns the HTTP face. Requests must carry a valid HMAC-SHA256
// signature made with AccessKey (dated within 15 minutes of the machine's
// time), or an Entra ID bearer token that Options.Entra verifies (or that
// Options.AllowBearer accepts), and a supported api-version.
func (sb *Switchboard) Handler() http.Handler { return http.HandlerFunc(sb.serveHTTP) }

// NewServer serves the HTTP face on a loopback port. Close the server
// before the switchboard.
func (sb *Switchboard) NewServer() *httptest.Server {
	return httpserver.NewTestServer(sb.Handler(), nil)
}

func (sb *Switchboard) serveHTTP(w http.ResponseWriter, r *http.Request) {
	// Every answer echoes the request's x-ms-client-request-id, as the
	// service does (azure-sdk-for-net sdk/communication/
	// Azure.Communication.CallAutomation/tests/SessionRecords/
	// CallAutomationClientLiveTests/CreateCallIdempotencyTest.json).
	if id := r.Header.Get("x-ms-client-request-id"); id != "" {
		w.Header().Set("x-ms-client-request-id", id)
	}
	path := r.URL.EscapedPath()
	switch path {
	case PathOpenIDConfiguration, PathCallbackKeys:
		sb.serveKeys(w, r)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, &apiError{status: http.StatusRequestEntityTooLarge, code: "RequestTooLarge", msg: "The request body is too large."})
			return
		}
		writeError(w, badRequest("The request body could not be read."))
		return
	}
	op, h, id, raw, e := route(r.Method, path)
	rq := Request{Op: op, Face: "http", Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, At: sb.clock.Now()}
	answer := func(e *apiError) {
		rq.Status = e.status
		sb.logRequest(rq)
		writeError(w, e)
	}
	if e := sb.authenticate(r, body); e != nil {
		answer(e)
		return
	}
	if e != nil {
		answer(e)
		return
	}
	if e := checkAPIVersion(r, r.URL.Query().Get("api-version")); e != nil {
		answer(e)
		return
	}
	if sb.isClosed() {
		answer(errServiceClosed)
		return
	}
	repeatID := ""
	if r.Method == http.MethodPost {
		rp, err := callwire.ParseRepeatability(r.Header)
		switch {
		case err == nil:
			repeatID = rp.RequestID
			rq.RepeatabilityID = repeatID
		case !errors.Is(err, callwire.ErrNoRepeatability):
			answer(badRequest("Invalid repeatability headers: " + err.Error() + "."))
			return
		}
	}
	if repeatID != "" {
		sb.mu.Lock()
		prev, ok := sb.repeat[repeatID]
		sb.mu.Unlock()
		if ok {
			if prev.path != path {
				answer(badRequest("The Repeatability-Request-ID was used for another request."))
				return
			}
			rq.Status, rq.Replayed = prev.status, true
			sb.logRequest(rq)
			w.Header().Set(callwire.HeaderRepeatabilityResult, "accepted")
			writeRaw(w, prev.status, prev.body)
			return
		}
	}
	f := sb.faults.Take(op)
	rq.Injected = f != nil
	var status int
	var payload []byte
	switch fakekit.Apply(r.Context(), f, func() {
		var out any
		status, out, e = h(sb, r, id, raw, body)
		if e != nil {
			return
		}
		if out != nil {
			payload, _ = json.Marshal(out)
		}
		if repeatID != "" {
			sb.remember(repeatID, &replay{path: path, status: status, body: payload})
		}
	}) {
	case fakekit.Gone:
		sb.logRequest(rq)
		return
	case fakekit.Drop:
		sb.logRequest(rq)
		panic(http.ErrAbortHandler) // the server closes the connection without an answer
	case fakekit.Fail:
		e = faultError(f)
	}
	if e != nil {
		answer(e)
		return
	}
	if repeatID != "" {
		w.Header().Set(callwire.HeaderRepeatabilityResult, "accepted")
	}
	rq.Status = status
	sb.logRequest(rq)
	writeRaw(w, status, payload)
}

// maxReplays bounds the answers kept for repeatable requests; the oldest
// are forgotten first.
const maxReplays = 10_000

// remember keeps the answer to a repeatable request.
func (sb *Switchboard) remember(id string, r *replay) {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if _, ok := sb.repeat[id]; ok {
		return
	}
	if len(sb.repeatOrder) >= maxReplays {
		delete(sb.repeat, sb.repeatOrder[0])
		sb.repeatOrder = sb.repeatOrder[1:]
	}
	sb.repeat[id] = r
	sb.repeatOrder = append(sb.repeatOrder, id)
}

func writeRaw(w http.ResponseWriter, status int, payload []byte) {
	if payload == nil {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(payload)
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", retryAfterSeconds(e.retryAfter))
	}
	b, _ := json.Marshal(e.body())
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(e.status)
	_, _ = w.Write(b)
}

// checkAPIVersion refuses a request without a supported api-version.
//
// Call Automation's answer to an api-version it does not support is not
// documented, nor found in an SDK recording or an issue. The fake answers
// as the identity service of the same ACS endpoint does (identity/fake's
// unsupportedVersion; a real response quoted in
// Azure-Samples/communication-services-web-calling-tutorial#8 and
// Azure/Communication#159): 400 UnsupportedApiVersion, "The HTTP resource
// that matches the request URI '<scheme>://<host><path>' does not support
// the API version '<version>'." (choice).
func checkAPIVersion(r *http.Request, v string) *apiError {
	if v == "" {
		return &apiError{status: http.StatusBadRequest, code: "MissingApiVersionParameter", msg: "The api-version query parameter (?api-version=) is required for all requests."}
	}
	if slices.Contains(SupportedAPIVersions, v) {
		return nil
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	uri := scheme + "://" + r.Host + r.URL.EscapedPath()
	return &apiError{status: http.StatusBadRequest, code: "UnsupportedApiVersion",
		msg: "The HTTP resource that matches the request URI '" + uri + "' does not support the API version '" + url.QueryEscape(v) + "'."}
}

// denied is ACS's answer to a request whose credentials it refuses: 401
// "Denied by the resource provider." — seen in the official SDKs' runs
// against the service (Azure/azure-sdk-for-js#27642, a Communication
// client with Entra ID auth; Azure-Samples/communication-services-
// javascript-quickstarts#179). The code "Denied" is a choice: neither
// shows the body's code, and the REST spec documents no 401 body.
var denied = &apiError{status: http.StatusUnauthorized, code: "Denied", msg: "Denied by the resource provider."}

// authenticate checks the HMAC signature (against the machine's time: the
// client dates its signature with its own wall clock, whatever the
// switchboard's clock says) or the bearer token: with Options.AllowBearer as
// it decides, otherwise with Options.Entra's keys (identityfake.VerifyACSBearer),
// and without either not at all.
func (sb *Switchboard) authenticate(r *http.Request, body []byte) *apiError {
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		switch {
		case tok == "":
			return denied
		case sb.opts.AllowBearer != nil:
			if !sb.opts.AllowBearer(tok) {
				return denied
			}
		case sb.opts.Entra == nil:
			return denied
		default:
			if _, err := identityfake.VerifyACSBearer(sb.opts.Entra, tok); err != nil {
				return denied
			}
		}
		return nil
	}
	if hmacauth.Verify(r, body, sb.key, time.Now(), 15*time.Minute) != nil {
		return denied
	}
	return nil
}

func (sb *Switchboard) serveKeys(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeError(w, &apiError{status: http.StatusMethodNotAllowed, code: "MethodNotAllowed", msg: "Use GET."})
		return
	}
	sb.signer.iss.Handler().ServeHTTP(w, r)
}

// route maps a request to its operation. The path is the escaped one, so
// that an escaped ':' or '/' in an id cannot change the route.
func route(method, path string) (op string, h handlerFunc, id, raw string, e *apiError) {
	notFound := &apiError{status: http.StatusNotFound, code: "NotFound", msg: "Resource not found."}
	badMethod := &apiError{status: http.StatusMethodNotAllowed, code: "MethodNotAllowed", msg: "The method is not allowed on this resource."}
	rest, ok := strings.CutPrefix(path, callwire.PathCallConnections)
	if !ok {
		return "", nil, "", "", notFound
	}
	post := func(op string, h handlerFunc) (string, handlerFunc, string, string, *apiError) {
		if method != http.MethodPost {
			return op, nil, "", "", badMethod
		}
		return op, h, id, raw, nil
	}
	switch rest {
	case "":
		return post(OpCreateCall, (*Switchboard).httpCreate)
	case ":answer":
		return post(OpAnswerCall, (*Switchboard).httpAnswer)
	case ":redirect":
		return post(OpRedirectCall, (*Switchboard).httpRedirect)
	case ":reject":
		return post(OpRejectCall, (*Switchboard).httpReject)
	case ":connect":
		return post(OpConnectCall, (*Switchboard).httpConnect)
	}
	rest, ok = strings.CutPrefix(rest, "/")
	if !ok {
		return "", nil, "", "", notFound
	}
	seg, tail, hasTail := strings.Cut(rest, "/")
	escID, action, _ := strings.Cut(seg, ":")
	var err error
	if id, err = url.PathUnescape(escID); err != nil || id == "" {
		return "", nil, "", "", notFound
	}
	if !hasTail {
		switch action {
		case "":
			switch method {
			case http.MethodGet:
				return OpGetCall, (*Switchboard).httpGetCall, id, "", nil
			case http.MethodDelete:
				return OpHangUp, (*Switchboard).httpHangUp, id, "", nil
			}
			return OpGetCall, nil, "", "", badMethod
		case "terminate":
			return post(OpTerminateCall, (*Switchboard).httpTerminate)
		case "transferToParticipant":
			return post(OpTransfer, (*Switchboard).httpTransfer)
		case "hold":
			return post(OpHold, (*Switchboard).httpHold)
		case "unhold":
			return post(OpUnhold, (*Switchboard).httpUnhold)
		}
		return "", nil, "", "", notFound
	}
	if action != "" {
		return "", nil, "", "", notFound
	}
	switch tail {
	case "participants":
		if method != http.MethodGet {
			return OpListParticipants, nil, "", "", badMethod
		}
		return OpListParticipants, (*Switchboard).httpListParticipants, id, "", nil
	case "participants:add":
		return post(OpAddParticipant, (*Switchboard).httpAdd)
	case "participants:remove":
		return post(OpRemoveParticipant, (*Switchboard).httpRemove)
	case "participants:mute":
		return post(OpMuteParticipant, (*Switchboard).httpMute)
	case "participants:cancelAddParticipant":
		return post(OpCancelAddParticipant, (*Switchboard).httpCancel)
	}
	escRaw, ok := strings.CutPrefix(tail, "participants/")
	if !ok || strings.Contains(escRaw, "/") {
		return "", nil, "", "", notFound
	}
	if raw, err = url.PathUnescape(escRaw); err != nil || raw == "" {
		return "", nil, "", "", notFound
	}
	if method != http.MethodGet {
		return OpGetParticipant, nil, "", "", badMethod
	}
	return OpGetParticipant, (*Switchboard).httpGetParticipant, id, raw, nil
}

// decode reads a JSON body into v.
func decode(body []byte, v any) *apiError {
	if len(body) == 0 {
		return badRequest("A request body is required.")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return badRequest("The request body is not valid JSON for this operation.")
	}
	return nil
}

// invalid turns a decoding error of wire_convert.go into the service's 400.
func invalid(err error) *apiError {
	return badRequest("Invalid request: " + err.Error() + ".")
}

func (sb *Switchboard) httpCreate(_ *http.Request, _, _ string, body []byte) (int, any, *apiError) {
	var w callwire.CreateCallRequest
	if e := decode(body, &w); e != nil {
		return 0, nil, e
	}
	req, err := decodeCreateCall(w)
	if err != nil {
		return 0, nil, invalid(err)
	}
	p, e := sb.createCall(req.Targets, req.CallbackURL, req.Options)
	return http.StatusCreated, propertiesWire(p), e
}

func (sb *Switchboard) httpAnswer(_ *http.Request, _, _ string, body []byte) (int, any, *apiError) {
	var w callwire.AnswerCallRequest
	if e := decode(body, &w); e != nil {
		return 0, nil, e
	}
	req, err := decodeAnswerCall(w)
	if err != nil {
		return 0, nil, invalid(err)
	}
	p, e := sb.answerCall(req.IncomingCallContext, req.CallbackURL, req.Options)
	return http.StatusOK, propertiesWire(p), e
}

func (sb *Switchboard) httpRedirect(_ *http.Request, _, _ string, body []byte) (int, any, *apiError) {
	var w callwire.RedirectCallRequest
	if e := decode(body, &w); e != nil {
		return 0, nil, e
	}
	req, err := decodeRedirectCall(w)
	if err != nil {
		return 0, nil, invalid(err)
	}
	return http.StatusNoContent, nil, sb.redirectCall(req.IncomingCallContext, req.Target)
}

func (sb *Switchboard) httpReject(_ *http.Request, _, _ string, body []byte) (int, any, *apiError) {
	var w callwire.RejectCallRequest
	if e := decode(body, &w); e != nil {
		return 0, nil, e
	}
	req, err := decodeRejectCall(w)
	if err != nil {
		return 0, nil, invalid(err)
	}
	return http.StatusNoContent, nil, sb.rejectCall(req.IncomingCallContext, req.Options.Reason)
}

func (sb *Switchboard) httpConnect(_ *http.Request, _, _ string, body []byte) (int, any, *apiError) {
	var w callwire.ConnectRequest
	if e := decode(body, &w); e != nil {
		return 0, nil, e
	}
	req, err := decodeConnectCall(w)
	if err != nil {
		return 0, nil, invalid(err)
	}
	p, e := sb.connectCall(req.Locator, req.CallbackURL, req.Options)
	return http.StatusOK, propertiesWire(p), e
}

func (sb *Switchboard) httpGetCall(_ *http.Request, id, _ string, _ []byte) (int, any, *apiError) {
	p, e := sb.getCall(id)
	return http.StatusOK, propertiesWire(p), e
}

func (sb *Switchboard) httpListParticipants(r *http.Request, id, _ string, _ []byte) (int, any, *apiError) {
	q := r.URL.Query()
	skip := 0
	if s := q.Get("skip"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, nil, badRequest("The skip parameter is not valid.")
		}
		skip = n
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	v := q.Get("api-version")
	page, e := sb.participantsPage(id, skip, func(skip int) string {
		return scheme + "://" + r.Host + nextLinkPath(id, skip) + "&api-version=" + url.QueryEscape(v)
	})
	return http.StatusOK, participantsWire(page), e
}

func (sb *Switchboard) httpGetParticipant(_ *http.Request, id, raw string, _ []byte) (int, any, *apiError) {
	p, e := sb.getParticipant(id, identity.ParseRawID(raw))
	return http.StatusOK, participantWire(p), e
}

func (sb *Switchboard) httpAdd(_ *http.Request, id, _ string, body []byte) (int, any, *apiError) {
	var w callwire.AddParticipantRequest
	if e := decode(body, &w); e != nil {
		return 0, nil, e
	}
	req, err := decodeAddParticipant(w)
	if err != nil {
		return 0, nil, invalid(err)
	}
	out, e := sb.addParticipant(id, req.Participant, req.Options)
	return http.StatusAccepted, addResponseWire(out), e
}

func (sb *Switchboard) httpRemove(_ *http.Request, id, _ string, body []byte) (int, any, *apiError) {
	var w callwire.RemoveParticipantRequest
	if e := decode(body, &w); e != nil {
		return 0, nil, e
	}
	req, err := decodeRemoveParticipant(w)
	if err != nil {
		return 0, nil, invalid(err)
	}
	out, e := sb.removeParticipant(id, req.Participant, req.Options)
	return http.StatusAccepted, operationContextWire(out.OperationContext), e
}

func (sb *Switchboard) httpCancel(_ *http.Request, id, _ string, body []byte) (int, any, *apiError) {
	var w callwire.CancelAddParticipantRequest
	if e := decode(body, &w); e != nil {
		return 0, nil, e
	}
	req, err := decodeCancelAddParticipant(w)
	if err != nil {
		return 0, nil, invalid(err)
	}
	out, e := sb.cancelAddParticipant(id, req.InvitationID, req.Options)
	return http.StatusAccepted, cancelResponseWire(out), e
}

func (sb *Switchboard) httpMute(_ *http.Request, id, _ string, body []byte) (int, any, *apiError) {
	var w callwire.MuteParticipantsRequest
	if e := decode(body, &w); e != nil {
		return 0, nil, e
	}
	req, err := decodeMuteParticipants(w)
	if err != nil {
		return 0, nil, invalid(err)
	}
	out, e := sb.muteParticipants(id, req.Participants, req.Options)
	return http.StatusOK, operationContextWire(out.OperationContext), e
}

func (sb *Switchboard) httpTransfer(_ *http.Request, id, _ string, body []byte) (int, any, *apiError) {
	var w callwire.TransferToParticipantRequest
	if e := decode(body, &w); e != nil {
		return 0, nil, e
	}
	req, err := decodeTransferToParticipant(w)
	if err != nil {
		return 0, nil, invalid(err)
	}
	out, e := sb.transferCall(id, req.Target, req.Options)
	return http.StatusAccepted, operationContextWire(out.OperationContext), e
}

func (sb *Switchboard) httpHold(_ *http.Request, id, _ string, body []byte) (int, any, *apiError) {
	var w callwire.HoldRequest
	if e := decode(body, &w); e != nil {
		return 0, nil, e
	}
	req, err := decodeHold(w)
	if err != nil {
		return 0, nil, invalid(err)
	}
	return http.StatusOK, nil, sb.setHold(id, req.Participant, true, req.Options.OperationCallbackURL)
}

func (sb *Switchboard) httpUnhold(_ *http.Request, id, _ string, body []byte) (int, any, *apiError) {
	var w callwire.UnholdRequest
	if e := decode(body, &w); e != nil {
		return 0, nil, e
	}
	req, err := decodeUnhold(w)
	if err != nil {
		return 0, nil, invalid(err)
	}
	return http.StatusOK, nil, sb.setHold(id, req.Participant, false, req.Options.OperationCallbackURL)
}

func (sb *Switchboard) httpHangUp(_ *http.Request, id, _ string, _ []byte) (int, any, *apiError) {
	return http.StatusNoContent, nil, sb.hangUp(id)
}

func (sb *Switchboard) httpTerminate(_ *http.Request, id, _ string, _ []byte) (int, any, *apiError) {
	return http.StatusNoContent, nil, sb.terminate(id)
}
