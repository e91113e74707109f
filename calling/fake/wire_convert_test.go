package fake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
)

// transport answers every request in memory with status and body, and
// keeps the last request and its body.
type transport struct {
	status int
	body   []byte
	last   []byte
	path   string
	req    *http.Request
}

func (t *transport) Do(req *http.Request) (*http.Response, error) {
	t.last = nil
	if req.Body != nil {
		t.last, _ = io.ReadAll(req.Body)
	}
	t.path = req.URL.EscapedPath()
	t.req = req
	return &http.Response{
		StatusCode: t.status,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(t.body)),
		Request:    req,
	}, nil
}

func client(t testing.TB, tr *transport) *calling.Client {
	t.Helper()
	c, err := calling.NewClientWithAccessKey("https://contoso.communication.azure.com", "a2V5", &calling.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: tr, Retry: policy.RetryOptions{MaxRetries: -1}},
	})
	require.NoError(t, err)
	return c
}

var (
	teams  = identity.MicrosoftTeamsUserIdentifier{UserID: "u1", Cloud: identity.CloudPublic}
	gov    = identity.MicrosoftTeamsUserIdentifier{UserID: "u2", Cloud: identity.CloudGCCH}
	phone  = identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}
	acs    = identity.CommunicationUserIdentifier{ID: "8:acs:r_u"}
	app    = identity.MicrosoftTeamsAppIdentifier{AppID: "a1", Cloud: identity.CloudPublic}
	caller = &identity.PhoneNumberIdentifier{PhoneNumber: "+18005550100"}
	media  = &calling.MediaStreamingOptions{TransportURL: "wss://media.contoso.com/", AudioChannelType: "unmixed", ContentType: "audio", AudioFormat: "pcm24KMono", StartMediaStreaming: true, EnableBidirectional: true, EnableDTMFTones: true}
	trans  = &calling.TranscriptionOptions{TransportURL: "wss://speech.contoso.com/", Locale: "en-GB", SpeechModelEndpointID: "m1", StartTranscription: true, EnableIntermediateResults: true}
	intel  = &calling.CallIntelligenceOptions{CognitiveServicesEndpoint: "https://ai.contoso.com/"}
	custom = &calling.CustomCallingContext{VoIPHeaders: map[string]string{"k": "v"}, SIPHeaders: map[string]string{"X-MS-Custom-k": "v"}, TeamsPhoneCallDetails: teamsDetails}
	// teamsDetails sets every member of the spec's TeamsPhoneCallDetails.
	teamsDetails = &calling.TeamsPhoneCallDetails{
		CallerDetails: &calling.TeamsPhoneCallerDetails{
			Caller: phone, Name: "Adele Vance", PhoneNumber: "+14255550123", RecordID: "crm-4711",
			ScreenPopURL: "https://crm.contoso.com/4711", IsAuthenticated: true,
			AdditionalCallerInformation: map[string]string{"tier": "gold"},
		},
		SourceDetails: &calling.TeamsPhoneSourceDetails{
			Source: app, Language: "en", Status: "active",
			IntendedTargets: map[string]identity.Identifier{"sales": teams, "support": gov},
		},
		SessionID: "s-1", Intent: "billing", CallTopic: "Invoice 4711 disputed", CallContext: "Caller disputes a charge.",
		TranscriptURL: "https://crm.contoso.com/4711/transcript", CallSentiment: "negative", SuggestedActions: "Offer a refund.",
	}
)

const cb = "https://app.contoso.com/cb"

func unmarshal[T any](t testing.TB, b []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(b, &v), "%s", b)
	return v
}

// TestRequestsRoundTrip sends requests with every option set through the
// real client and decodes them with the switchboard's decoders: the fake
// must read exactly what the client meant.
func TestRequestsRoundTrip(t *testing.T) {
	ctx := context.Background()
	tr := &transport{}
	c := client(t, tr)

	tr.status, tr.body = 201, []byte(`{"callConnectionId":"c1"}`)
	// One source at a time: Source and TeamsAppSource cannot go together.
	for _, co := range []calling.CreateCallOptions{
		{SourceCallerID: caller, SourceDisplayName: "Contoso", Source: &acs, OperationContext: "op", CallIntelligence: intel, MediaStreaming: media, Transcription: trans},
		{SourceCallerID: caller, SourceDisplayName: "Contoso", TeamsAppSource: &app, OperationContext: "op", CallIntelligence: intel, MediaStreaming: media, Transcription: trans},
	} {
		_, err := c.CreateCall(ctx, []identity.Identifier{teams, gov, phone, acs, app}, cb, &co)
		require.NoError(t, err)
		cc, err := decodeCreateCall(unmarshal[callwire.CreateCallRequest](t, tr.last))
		require.NoError(t, err)
		require.Equal(t, []identity.Identifier{teams, gov, phone, acs, app}, cc.Targets)
		require.Equal(t, cb, cc.CallbackURL)
		require.Equal(t, co, cc.Options)
	}

	tr.status = 200
	ao := calling.AnswerCallOptions{AnsweredBy: &acs, OperationContext: "op", CallIntelligence: intel, MediaStreaming: media, Transcription: trans}
	_, err := c.AnswerCall(ctx, "icc", cb, &ao)
	require.NoError(t, err)
	ac, err := decodeAnswerCall(unmarshal[callwire.AnswerCallRequest](t, tr.last))
	require.NoError(t, err)
	require.Equal(t, answerCallReq{IncomingCallContext: "icc", CallbackURL: cb, Options: ao}, ac)

	for _, loc := range []calling.CallLocator{{Kind: calling.GroupCall, ID: "g"}, {Kind: calling.ServerCall, ID: "s"}, {Kind: calling.RoomCall, ID: "r"}} {
		oo := calling.ConnectCallOptions{OperationContext: "op", CallIntelligence: intel, MediaStreaming: media, Transcription: trans}
		_, err = c.ConnectCall(ctx, loc, cb, &oo)
		require.NoError(t, err)
		cn, err := decodeConnectCall(unmarshal[callwire.ConnectRequest](t, tr.last))
		require.NoError(t, err)
		require.Equal(t, connectCallReq{Locator: loc, CallbackURL: cb, Options: oo}, cn)
	}

	tr.status, tr.body = 204, nil
	_, err = c.RedirectCall(ctx, "icc", gov, nil)
	require.NoError(t, err)
	rd, err := decodeRedirectCall(unmarshal[callwire.RedirectCallRequest](t, tr.last))
	require.NoError(t, err)
	require.Equal(t, redirectCallReq{IncomingCallContext: "icc", Target: gov}, rd)

	_, err = c.RejectCall(ctx, "icc", &calling.RejectCallOptions{Reason: calling.RejectReasonForbidden})
	require.NoError(t, err)
	rj, err := decodeRejectCall(unmarshal[callwire.RejectCallRequest](t, tr.last))
	require.NoError(t, err)
	require.Equal(t, calling.RejectReasonForbidden, rj.Options.Reason)

	tr.status, tr.body = 202, []byte(`{}`)
	po := calling.AddParticipantOptions{SourceCallerID: caller, SourceDisplayName: "Contoso", InvitationTimeout: 45 * time.Second, OperationContext: "op", OperationCallbackURL: cb + "/add", CustomContext: custom}
	_, err = c.AddParticipant(ctx, "c1", phone, &po)
	require.NoError(t, err)
	ad, err := decodeAddParticipant(unmarshal[callwire.AddParticipantRequest](t, tr.last))
	require.NoError(t, err)
	require.Equal(t, addParticipantReq{Participant: phone, Options: po}, ad)

	ro := calling.RemoveParticipantOptions{OperationContext: "op", OperationCallbackURL: cb}
	_, err = c.RemoveParticipant(ctx, "c1", teams, &ro)
	require.NoError(t, err)
	rm, err := decodeRemoveParticipant(unmarshal[callwire.RemoveParticipantRequest](t, tr.last))
	require.NoError(t, err)
	require.Equal(t, removeParticipantReq{Participant: teams, Options: ro}, rm)

	xo := calling.CancelAddParticipantOptions{OperationContext: "op", OperationCallbackURL: cb}
	_, err = c.CancelAddParticipant(ctx, "c1", "inv", &xo)
	require.NoError(t, err)
	cx, err := decodeCancelAddParticipant(unmarshal[callwire.CancelAddParticipantRequest](t, tr.last))
	require.NoError(t, err)
	require.Equal(t, cancelAddReq{InvitationID: "inv", Options: xo}, cx)

	to := calling.TransferToParticipantOptions{Transferee: acs, SourceCallerID: caller, OperationContext: "op", OperationCallbackURL: cb, CustomContext: custom}
	_, err = c.TransferToParticipant(ctx, "c1", phone, &to)
	require.NoError(t, err)
	tf, err := decodeTransferToParticipant(unmarshal[callwire.TransferToParticipantRequest](t, tr.last))
	require.NoError(t, err)
	require.Equal(t, transferReq{Target: phone, Options: to}, tf)

	tr.status = 200
	_, err = c.MuteParticipant(ctx, "c1", acs, &calling.MuteParticipantOptions{OperationContext: "op"})
	require.NoError(t, err)
	mu, err := decodeMuteParticipants(unmarshal[callwire.MuteParticipantsRequest](t, tr.last))
	require.NoError(t, err)
	require.Equal(t, muteReq{Participants: []identity.Identifier{acs}, Options: calling.MuteParticipantOptions{OperationContext: "op"}}, mu)

	for _, src := range []*calling.PlaySource{
		nil,
		{Kind: calling.PlayFile, URL: "https://x/a.wav", CacheID: "c"},
		{Kind: calling.PlayText, Text: "please hold", SourceLocale: "en-US", VoiceName: "en-US-JennyNeural", VoiceKind: "female", CustomVoiceEndpointID: "v"},
		{Kind: calling.PlaySSML, Text: "<speak/>", CustomVoiceEndpointID: "v"},
	} {
		ho := calling.HoldParticipantOptions{PlaySource: src, OperationContext: "op", OperationCallbackURL: cb}
		_, err = c.HoldParticipant(ctx, "c1", phone, &ho)
		require.NoError(t, err)
		h, err := decodeHold(unmarshal[callwire.HoldRequest](t, tr.last))
		require.NoError(t, err)
		require.Equal(t, holdReq{Participant: phone, Options: ho}, h)
	}
	uo := calling.UnholdParticipantOptions{OperationContext: "op", OperationCallbackURL: cb}
	_, err = c.UnholdParticipant(ctx, "c1", phone, &uo)
	require.NoError(t, err)
	u, err := decodeUnhold(unmarshal[callwire.UnholdRequest](t, tr.last))
	require.NoError(t, err)
	require.Equal(t, unholdReq{Participant: phone, Options: uo}, u)
}

// TestCreateCallTargets: every kind of callee, alone or together, with the
// options each needs, reaches the switchboard as the client was given it.
func TestCreateCallTargets(t *testing.T) {
	cases := []struct {
		name    string
		targets []identity.Identifier
		opts    *calling.CreateCallOptions
	}{
		{"teams user", []identity.Identifier{teams}, nil},
		{"teams user in gcch", []identity.Identifier{gov}, nil},
		{"phone number", []identity.Identifier{phone}, &calling.CreateCallOptions{SourceCallerID: caller, SourceDisplayName: "Contoso"}},
		{"acs user", []identity.Identifier{acs}, &calling.CreateCallOptions{Source: &identity.CommunicationUserIdentifier{ID: "8:acs:r_bot"}}},
		{"teams app", []identity.Identifier{app}, nil},
		{"group call", []identity.Identifier{teams, &phone, acs}, &calling.CreateCallOptions{SourceCallerID: caller, OperationContext: "group"}},
		{"from a teams resource account", []identity.Identifier{phone}, &calling.CreateCallOptions{SourceCallerID: caller, TeamsAppSource: &app}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := &transport{status: 201, body: []byte(`{"callConnectionId":"c1","callConnectionState":"connecting"}`)}
			r, err := client(t, tr).CreateCall(context.Background(), tc.targets, cb, tc.opts)
			require.NoError(t, err)
			require.Equal(t, "c1", r.CallConnectionID)
			require.Equal(t, calling.StateConnecting, r.State)
			require.Equal(t, "/calling/callConnections", tr.path)
			in, err := decodeCreateCall(unmarshal[callwire.CreateCallRequest](t, tr.last))
			require.NoError(t, err)
			require.Len(t, in.Targets, len(tc.targets))
			for i := range tc.targets {
				require.True(t, identity.Equal(tc.targets[i], in.Targets[i]), "target %d: %#v became %#v", i, tc.targets[i], in.Targets[i])
			}
			require.Equal(t, cb, in.CallbackURL)
			want := calling.CreateCallOptions{}
			if tc.opts != nil {
				want = *tc.opts
			}
			require.Equal(t, want, in.Options)
		})
	}
}

// TestResponsesRoundTrip writes full results with the switchboard's
// encoders and reads them with the real client.
func TestResponsesRoundTrip(t *testing.T) {
	ctx := context.Background()
	tr := &transport{status: 200}
	c := client(t, tr)

	props := calling.CallConnectionProperties{
		CallConnectionID: "c1", ServerCallID: "s1", Targets: []identity.Identifier{teams, phone},
		State: calling.StateTransferAccepted, CallbackURL: cb, SourceCallerID: caller, SourceDisplayName: "Contoso",
		Source: acs, CorrelationID: "corr", AnsweredBy: &acs, AnsweredFor: &phone,
		MediaStreaming: &calling.MediaStreamingSubscription{ID: "m", State: "active", ContentTypes: []string{"audio"}},
		Transcription:  &calling.TranscriptionSubscription{ID: "t", State: "inactive", ResultTypes: []string{"final", "intermediate"}, Locale: "en-US"},
	}
	tr.body, _ = json.Marshal(propertiesWire(props))
	got, err := c.GetCall(ctx, "c1", nil)
	require.NoError(t, err)
	require.Equal(t, props, got.CallConnectionProperties)

	page := calling.ListParticipantsPageResponse{Participants: []calling.CallParticipant{{Identifier: teams, IsMuted: true}, {Identifier: phone, IsOnHold: true}, {Identifier: identity.UnknownIdentifier{ID: "99:x"}}}, NextLink: "/next"}
	tr.body, _ = json.Marshal(participantsWire(page))
	gotPage, err := c.ListParticipantsPage(ctx, "c1", nil)
	require.NoError(t, err)
	require.Equal(t, page, gotPage)

	p := calling.CallParticipant{Identifier: gov, IsMuted: true, IsOnHold: true}
	tr.body, _ = json.Marshal(participantWire(p))
	gp, err := c.GetParticipant(ctx, "c1", gov, nil)
	require.NoError(t, err)
	require.Equal(t, p, gp.CallParticipant)
	require.Equal(t, "/calling/callConnections/c1/participants/8%3Agcch%3Au2", tr.path)

	tr.status = 202
	ar := calling.AddParticipantResponse{Participant: p, InvitationID: "inv", OperationContext: "op"}
	tr.body, _ = json.Marshal(addResponseWire(ar))
	gotAdd, err := c.AddParticipant(ctx, "c1", gov, nil)
	require.NoError(t, err)
	require.Equal(t, ar, gotAdd)

	cr := calling.CancelAddParticipantResponse{InvitationID: "inv", OperationContext: "op"}
	tr.body, _ = json.Marshal(cancelResponseWire(cr))
	gotCancel, err := c.CancelAddParticipant(ctx, "c1", "inv", nil)
	require.NoError(t, err)
	require.Equal(t, cr, gotCancel)

	tr.body, _ = json.Marshal(operationContextWire("op"))
	gotRemove, err := c.RemoveParticipant(ctx, "c1", gov, nil)
	require.NoError(t, err)
	require.Equal(t, "op", gotRemove.OperationContext)
}

func TestDecodeRefusesWhatTheServiceRefuses(t *testing.T) {
	_, err := decodeCreateCall(callwire.CreateCallRequest{CallbackURI: cb})
	var e *wireError
	require.ErrorAs(t, err, &e)
	require.Equal(t, "targets", e.Property)

	_, err = decodeCreateCall(callwire.CreateCallRequest{CallbackURI: cb, Targets: []json.RawMessage{json.RawMessage(`{"kind":"phoneNumber","phoneNumber":{}}`)}})
	var pe *callwire.PropertyError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "targets[0]", pe.Property)
	var me *identity.IdentifierModelError
	require.True(t, errors.As(err, &me))

	_, err = decodeAddParticipant(callwire.AddParticipantRequest{ParticipantToAdd: identifierJSON(teams), InvitationTimeoutInSeconds: ptr(181)})
	require.ErrorAs(t, err, &e)
	_, err = decodeConnectCall(callwire.ConnectRequest{CallbackURI: cb, CallLocator: callwire.CallLocator{Kind: "roomCallLocator"}})
	require.ErrorAs(t, err, &e)
	_, err = decodeHold(callwire.HoldRequest{TargetParticipant: identifierJSON(acs), PlaySourceInfo: &callwire.PlaySource{Kind: "file"}})
	require.ErrorAs(t, err, &e)
	_, err = decodeRejectCall(callwire.RejectCallRequest{})
	require.ErrorAs(t, err, &e)

	// Teams details: what the spec marks required, callTopic "max 48
	// chars", additionalCallerInformation "max 10".
	withDetails := func(d callwire.TeamsPhoneCallDetails) callwire.AddParticipantRequest {
		return callwire.AddParticipantRequest{ParticipantToAdd: identifierJSON(teams), CustomCallingContext: &callwire.CustomCallingContext{TeamsPhoneCallDetails: &d}}
	}
	caller := func(edit func(*callwire.TeamsPhoneCallerDetails)) *callwire.TeamsPhoneCallerDetails {
		c := &callwire.TeamsPhoneCallerDetails{Caller: identifierJSON(phone), Name: "n", PhoneNumber: "+14255550123"}
		edit(c)
		return c
	}
	source := func(edit func(*callwire.TeamsPhoneSourceDetails)) *callwire.TeamsPhoneSourceDetails {
		s := &callwire.TeamsPhoneSourceDetails{Source: identifierJSON(app), Language: "en", Status: "s"}
		edit(s)
		return s
	}
	eleven := map[string]string{}
	for i := range 11 {
		eleven[strconv.Itoa(i)] = "v"
	}
	const p = "customCallingContext.teamsPhoneCallDetails."
	for want, d := range map[string]callwire.TeamsPhoneCallDetails{
		p + "callTopic":                                           {CallTopic: strings.Repeat("é", 49)},
		p + "teamsPhoneCallerDetails.caller":                      {TeamsPhoneCallerDetails: caller(func(c *callwire.TeamsPhoneCallerDetails) { c.Caller = nil })},
		p + "teamsPhoneCallerDetails.name":                        {TeamsPhoneCallerDetails: caller(func(c *callwire.TeamsPhoneCallerDetails) { c.Name = "" })},
		p + "teamsPhoneCallerDetails.phoneNumber":                 {TeamsPhoneCallerDetails: caller(func(c *callwire.TeamsPhoneCallerDetails) { c.PhoneNumber = "" })},
		p + "teamsPhoneCallerDetails.additionalCallerInformation": {TeamsPhoneCallerDetails: caller(func(c *callwire.TeamsPhoneCallerDetails) { c.AdditionalCallerInformation = eleven })},
		p + "teamsPhoneSourceDetails.source":                      {TeamsPhoneSourceDetails: source(func(s *callwire.TeamsPhoneSourceDetails) { s.Source = nil })},
		p + "teamsPhoneSourceDetails.language":                    {TeamsPhoneSourceDetails: source(func(s *callwire.TeamsPhoneSourceDetails) { s.Language = "" })},
		p + "teamsPhoneSourceDetails.status":                      {TeamsPhoneSourceDetails: source(func(s *callwire.TeamsPhoneSourceDetails) { s.Status = "" })},
		p + "teamsPhoneSourceDetails.intendedTargets.x": {TeamsPhoneSourceDetails: source(func(s *callwire.TeamsPhoneSourceDetails) {
			s.IntendedTargets = map[string]json.RawMessage{"x": json.RawMessage(`{"kind":"phoneNumber","phoneNumber":{}}`)}
		})},
	} {
		_, err := decodeAddParticipant(withDetails(d))
		require.Error(t, err, want)
		assert.Contains(t, err.Error(), want)
	}
	ok, err := decodeAddParticipant(withDetails(callwire.TeamsPhoneCallDetails{CallTopic: strings.Repeat("é", 48)}))
	require.NoError(t, err, "48 characters are more than 48 bytes")
	assert.Equal(t, strings.Repeat("é", 48), ok.Options.CustomContext.TeamsPhoneCallDetails.CallTopic)
}

func ptr[T any](v T) *T { return &v }

// FuzzRequestRoundTrip decodes arbitrary create-call and add-participant
// bodies as the fake would; whatever the client accepts to send again must
// decode to the same values, so the two directions agree on every input.
func FuzzRequestRoundTrip(f *testing.F) {
	f.Add([]byte(`{"targets":[{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"u","cloud":"public"}}],"callbackUri":"https://a/cb"}`), false)
	f.Add([]byte(`{"targets":[{"phoneNumber":{"value":"+14255550123"}}],"sourceCallerIdNumber":{"value":"+18005550100"},"callbackUri":"https://a/cb","mediaStreamingOptions":{"transportType":"websocket","audioChannelType":"mixed","enableDtmfTones":true}}`), false)
	f.Add([]byte(`{"targets":[{"rawId":"28:orgid:x","kind":"microsoftTeamsApp","microsoftTeamsApp":{"appId":"x","cloud":"dod"}}],"callbackUri":"http://127.0.0.1/cb","teamsAppSource":{"appId":"a","cloud":"gcch"}}`), false)
	f.Add([]byte(`{"participantToAdd":{"kind":"communicationUser","communicationUser":{"id":"8:acs:x"}},"invitationTimeoutInSeconds":30,"customCallingContext":{"voipHeaders":{"a":"b"}}}`), true)
	f.Add([]byte(`{"participantToAdd":{"kind":"unknown","rawId":"99:z"},"operationCallbackUri":"https://a/b"}`), true)
	f.Add([]byte(`{"participantToAdd":{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"u"}},"customCallingContext":{"teamsPhoneCallDetails":{"callTopic":"Invoice","teamsPhoneCallerDetails":{"caller":{"phoneNumber":{"value":"+14255550123"}},"name":"n","phoneNumber":"+14255550123","isAuthenticated":false,"additionalCallerInformation":{"a":"b"}},"teamsPhoneSourceDetails":{"source":{"microsoftTeamsApp":{"appId":"a"}},"language":"en","status":"s","intendedTargets":{"x":{"communicationUser":{"id":"8:acs:x"}}}}}}}`), true)
	f.Add([]byte(`{"participantToAdd":{"communicationUser":{"id":"8:acs:x"}},"customCallingContext":{"teamsPhoneCallDetails":{}}}`), true)
	f.Fuzz(func(t *testing.T, body []byte, add bool) {
		ctx := context.Background()
		tr := &transport{status: 201, body: []byte(`{"callConnectionId":"c1"}`)}
		c := client(t, tr)
		if !add {
			var w callwire.CreateCallRequest
			if json.Unmarshal(body, &w) != nil {
				return
			}
			in, err := decodeCreateCall(w)
			if err != nil {
				return
			}
			if _, err := c.CreateCall(ctx, in.Targets, in.CallbackURL, &in.Options); err != nil {
				var ae *calling.ArgumentError
				if !errors.As(err, &ae) {
					t.Fatalf("client failed without an argument error: %v", err)
				}
				return
			}
			again, err := decodeCreateCall(unmarshal[callwire.CreateCallRequest](t, tr.last))
			if err != nil {
				t.Fatalf("the client sent what the switchboard's codec cannot read: %s: %v", tr.last, err)
			}
			requireSameCreate(t, in, again)
			return
		}
		tr.status, tr.body = 202, []byte(`{}`)
		var w callwire.AddParticipantRequest
		if json.Unmarshal(body, &w) != nil {
			return
		}
		in, err := decodeAddParticipant(w)
		if err != nil {
			return
		}
		if _, err := c.AddParticipant(ctx, "c1", in.Participant, &in.Options); err != nil {
			var ae *calling.ArgumentError
			if !errors.As(err, &ae) {
				t.Fatalf("client failed without an argument error: %v", err)
			}
			return
		}
		again, err := decodeAddParticipant(unmarshal[callwire.AddParticipantRequest](t, tr.last))
		if err != nil {
			t.Fatalf("the client sent what the switchboard's codec cannot read: %s: %v", tr.last, err)
		}
		if !identity.Equal(in.Participant, again.Participant) {
			t.Fatalf("participant %#v became %#v", in.Participant, again.Participant)
		}
		in.Participant, again.Participant = nil, nil
		if cc := in.Options.CustomContext; cc != nil && len(cc.VoIPHeaders) == 0 && len(cc.SIPHeaders) == 0 && cc.TeamsPhoneCallDetails == nil {
			in.Options.CustomContext = nil // an empty context is not sent
		}
		require.Equal(t, in, again)
	})
}

func requireSameCreate(t *testing.T, a, b createCallReq) {
	t.Helper()
	if len(a.Targets) != len(b.Targets) {
		t.Fatalf("targets %v became %v", a.Targets, b.Targets)
	}
	for i := range a.Targets {
		if !identity.Equal(a.Targets[i], b.Targets[i]) {
			t.Fatalf("target %d: %#v became %#v", i, a.Targets[i], b.Targets[i])
		}
	}
	a.Targets, b.Targets = nil, nil
	require.Equal(t, a, b)
}

// FuzzResponseDecoding feeds arbitrary response bodies to the client's
// decoding of call connections, participant pages, participants and add
// results. It must never panic; an error must be the client's own
// ("calling: ..."); and a body it accepts, written back as the
// switchboard answers, must decode to the same value again.
func FuzzResponseDecoding(f *testing.F) {
	files, _ := filepath.Glob("../testdata/callautomation/*/*.json")
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var ex specExample
		if err := json.Unmarshal(raw, &ex); err != nil {
			f.Fatal(err)
		}
		for _, r := range ex.Responses {
			if len(r.Body) > 0 {
				for op := range byte(4) {
					f.Add(op, []byte(r.Body))
				}
			}
		}
	}
	f.Add(byte(0), []byte(`{"callConnectionId":"c","targets":[{"rawId":"99:x"},{"kind":"MICROSOFTTEAMSUSER","microsoftTeamsUser":{"userId":"u","cloud":"gcch"}}]}`))
	f.Add(byte(1), []byte(`{"value":[{"identifier":{"rawId":"4:+1_2","phoneNumber":{"value":"+1_2"}},"isOnHold":true}],"nextLink":"/n"}`))
	f.Add(byte(2), []byte(`{"identifier":null}`))
	f.Add(byte(3), []byte(`{"participant":{"identifier":{"kind":"teamsExtensionUser","teamsExtensionUser":{"userId":"u","tenantId":"t","resourceId":"r","cloud":"public"}}}}`))
	f.Fuzz(func(t *testing.T, op byte, body []byte) {
		ctx := context.Background()
		m := &transport{status: 200, body: body}
		c := client(t, m)
		conn := c.CallConnection("c1")
		check := func(err error) bool {
			t.Helper()
			if err != nil {
				if !strings.HasPrefix(err.Error(), "calling: ") {
					t.Fatalf("error not from the client: %v", err)
				}
				return false
			}
			return true
		}
		switch op % 4 {
		case 0:
			r, err := conn.GetCall(ctx, nil)
			if !check(err) {
				return
			}
			m.body, _ = json.Marshal(propertiesWire(r.CallConnectionProperties))
			again, err := conn.GetCall(ctx, nil)
			require.NoError(t, err, "%s", m.body)
			require.Equal(t, r, again)
		case 1:
			r, err := conn.ListParticipantsPage(ctx, nil)
			if !check(err) {
				return
			}
			m.body, _ = json.Marshal(participantsWire(r))
			again, err := conn.ListParticipantsPage(ctx, nil)
			require.NoError(t, err, "%s", m.body)
			require.Equal(t, r, again)
		case 2:
			r, err := conn.GetParticipant(ctx, identity.CommunicationUserIdentifier{ID: "8:acs:x"}, nil)
			if !check(err) {
				return
			}
			m.body, _ = json.Marshal(participantWire(r.CallParticipant))
			again, err := conn.GetParticipant(ctx, identity.CommunicationUserIdentifier{ID: "8:acs:x"}, nil)
			require.NoError(t, err, "%s", m.body)
			require.Equal(t, r, again)
		case 3:
			m.status = 202
			r, err := conn.AddParticipant(ctx, identity.CommunicationUserIdentifier{ID: "8:acs:x"}, nil)
			if !check(err) {
				return
			}
			m.body, _ = json.Marshal(addResponseWire(r))
			again, err := conn.AddParticipant(ctx, identity.CommunicationUserIdentifier{ID: "8:acs:x"}, nil)
			require.NoError(t, err, "%s", m.body)
			if r.Participant.Identifier == nil {
				// A participant without an identifier is not written back.
				r.Participant = calling.CallParticipant{}
			}
			require.Equal(t, r, again)
		}
	})
}
