package calling

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/eventwire"
)

// eventsDir holds copies of the published examples of ../shared/spec/events.
const eventsDir = "testdata/events"

func readEventExample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(eventsDir, name))
	require.NoError(t, err)
	return b
}

// TestSpecCopiesMatch checks that the copies in testdata/events still equal
// the shared published examples, when those are on this machine.
func TestSpecCopiesMatch(t *testing.T) {
	shared := filepath.Join("..", "..", "shared", "spec", "events")
	names, err := filepath.Glob(filepath.Join(shared, "*.json"))
	if err != nil || len(names) == 0 {
		t.Skip("shared examples not present")
	}
	for _, n := range names {
		want, err := os.ReadFile(n)
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(eventsDir, filepath.Base(n)))
		require.NoError(t, err, "copy of %s missing", filepath.Base(n))
		assert.Equal(t, string(want), string(got), filepath.Base(n))
	}
}

func TestSpecCallConnected(t *testing.T) {
	evs, err := ParseCloudEvents(readEventExample(t, "callback_CallConnected_cloudevent.json"))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	cc, ok := evs[0].(*CallConnected)
	require.True(t, ok, "%T", evs[0])
	assert.Equal(t, EventTypeCallConnected, cc.EventType())
	assert.Equal(t, "441f1200-fd54-422e-9566-a867d187dca7", cc.CallConnectionID)
	assert.Equal(t, "e42f9a50-c36d-493a-9cc0-2fc1cdc7b708", cc.ServerCallID)
	assert.Equal(t, "7a659f41-bd0f-4bae-8ac0-6af79283e1bc", cc.CorrelationID)
	assert.Equal(t, "7dec6eed-129c-43f3-a2bf-134ac1978168", cc.ID)
	assert.Equal(t, "calling/callConnections/441f1200-fd54-422e-9566-a867d187dca7", cc.Source)
	assert.Equal(t, cc.Source, cc.Subject)
	assert.True(t, cc.Time.Equal(time.Date(2022, 6, 24, 15, 12, 41, 555685800, time.UTC)))
	assert.Nil(t, cc.ResultInformation)
	assert.Same(t, &cc.EventInfo, evs[0].Info())

	// Either parser that accepts CloudEvents reads it the same.
	all, err := ParseEvents(readEventExample(t, "callback_CallConnected_cloudevent.json"))
	require.NoError(t, err)
	assert.Equal(t, evs, all)
	_, err = ParseEventGridEvents(readEventExample(t, "callback_CallConnected_cloudevent.json"))
	var ee *EventError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 0, ee.Index)
}

func TestSpecParticipantsUpdated(t *testing.T) {
	// The published example is a single object, not an array.
	evs, err := ParseCloudEvents(readEventExample(t, "callback_ParticipantsUpdated_cloudevent.json"))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	pu, ok := evs[0].(*ParticipantsUpdated)
	require.True(t, ok, "%T", evs[0])
	assert.Equal(t, "calling/callConnections/401f3500-08a0-4e9e-b844-61a65c845a0b", pu.Source)
	require.Len(t, pu.Participants, 1)
	assert.Equal(t, CallParticipant{Identifier: identity.CommunicationUserIdentifier{ID: "<ACS_USER_ID>"}, IsMuted: true}, pu.Participants[0])
	assert.True(t, pu.Time.IsZero(), "the example has no time")
}

func TestSpecIncomingCall(t *testing.T) {
	evs, err := ParseEventGridEvents(readEventExample(t, "eventgrid_IncomingCall.json"))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	ic, ok := evs[0].(*IncomingCall)
	require.True(t, ok, "%T", evs[0])
	assert.Equal(t, identity.CommunicationUserIdentifier{ID: "{recipient-id}"}, ic.To)
	assert.Equal(t, identity.CommunicationUserIdentifier{ID: "{caller-id}"}, ic.From)
	assert.Equal(t, "VOIP Caller", ic.CallerDisplayName)
	assert.Equal(t, "{server-call-id}", ic.ServerCallID)
	assert.Equal(t, "{incoming-call-contextValue}", ic.IncomingCallContext)
	assert.Equal(t, "correlationId", ic.CorrelationID)
	assert.Empty(t, ic.CallConnectionID)
	assert.Nil(t, ic.OnBehalfOfCallee)
	assert.Equal(t, map[string]string{
		"userToUser":            "616d617a6f6e5f6368696;encoding=hex",
		"X-MS-Custom-myheader1": "35567842",
		"X-MS-Custom-myheader2": "customsipheadervalue",
	}, ic.CustomContext.SIPHeaders)
	assert.Equal(t, map[string]string{"customHeader": "customValue"}, ic.CustomContext.VoIPHeaders)
	assert.Equal(t, "/caller/{caller-id}/recipient/{recipient-id}", ic.Subject)
	assert.True(t, strings.HasPrefix(ic.Topic, "/subscriptions/"))
	assert.True(t, ic.Time.Equal(time.Date(2023, 4, 4, 17, 18, 42, 554221900, time.UTC)))

	_, err = ParseCloudEvents(readEventExample(t, "eventgrid_IncomingCall.json"))
	require.Error(t, err, "an Event Grid schema event is not a CloudEvent")
}

func TestSpecIncomingCallTeamsResourceAccount(t *testing.T) {
	// The example is the data alone: wrap it in both schemas.
	data := readEventExample(t, "eventgrid_IncomingCall_TeamsResourceAccount_data.json")
	bodies := map[string]string{
		"eventgrid":   `[{"id":"1","topic":"/t","subject":"/s","eventType":"Microsoft.Communication.IncomingCall","eventTime":"2024-01-01T00:00:00Z","dataVersion":"1.0","metadataVersion":"1","data":` + string(data) + `}]`,
		"cloudevents": `[{"id":"1","source":"/t","type":"Microsoft.Communication.IncomingCall","specversion":"1.0","time":"2024-01-01T00:00:00Z","data":` + string(data) + `}]`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			evs, err := ParseEvents([]byte(body))
			require.NoError(t, err)
			ic := evs[0].(*IncomingCall)
			// A Teams resource account arrives as kind "unknown" with a 28: raw id.
			assert.Equal(t, identity.UnknownIdentifier{ID: "28:orgid:cc123456-5678-5678-1234-ccc123456789"}, ic.To)
			assert.Equal(t, identity.PhoneNumberIdentifier{PhoneNumber: "+12065551212"}, ic.From)
			assert.Equal(t, "+12065551212", ic.CallerDisplayName)
			assert.Equal(t, map[string]string{"X-myCustomVoipHeaderName": "myValue"}, ic.CustomContext.VoIPHeaders)
			assert.Nil(t, ic.CustomContext.SIPHeaders)
			assert.Equal(t, "2e0fa6fe-bf3e-4351-9beb-568add4f5315", ic.CorrelationID)
		})
	}
}

func TestSpecSubscriptionValidation(t *testing.T) {
	evs, err := ParseEventGridEvents(readEventExample(t, "eventgrid_SubscriptionValidationEvent.json"))
	require.NoError(t, err)
	require.Len(t, evs, 1)
	v, ok := evs[0].(*SubscriptionValidation)
	require.True(t, ok, "%T", evs[0])
	assert.Equal(t, "512d38b6-c7b8-40c8-89fe-f46f9e9622b6", v.ValidationCode)
	assert.True(t, strings.HasPrefix(v.ValidationURL, "https://rp-eastus2.eventgrid.azure.net:553/"))
}

// sampleEvents has one event of every type, with every member set, as the
// fake switchboard would send them.
func sampleEvents() []Event {
	at := time.Date(2026, 3, 12, 10, 0, 0, 123000000, time.UTC)
	user := identity.CommunicationUserIdentifier{ID: "8:acs:r_u1"}
	teams := identity.MicrosoftTeamsUserIdentifier{UserID: "00000000-0000-0000-0000-000000000001", Cloud: identity.CloudPublic}
	phone := identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}
	info := func(op string) EventInfo {
		return EventInfo{
			ID: "id-" + op, Time: at,
			CallConnectionID: "cc-1", ServerCallID: "sc-1", CorrelationID: "co-1", OperationContext: op,
			ResultInformation: &ResultInformation{Code: 200, SubCode: 0, Message: "ok"},
		}
	}
	failed := func(op string) EventInfo {
		i := info(op)
		i.ResultInformation = &ResultInformation{Code: 408, SubCode: 8522, Message: "timed out",
			SIPDetails: &SIPDiagnosticInfo{Code: 408, Message: "Request Timeout"}, Q850Details: &SIPDiagnosticInfo{Code: 102, Message: "Recovery on timer expiry"}}
		return i
	}
	return []Event{
		&CallConnected{info("create")},
		&CallDisconnected{info("hangup")},
		&CallTransferAccepted{info("transfer"), phone, teams},
		&CallTransferFailed{failed("transfer")},
		&AddParticipantSucceeded{info("add"), teams},
		&AddParticipantFailed{failed("add"), phone},
		&RemoveParticipantSucceeded{info("remove"), user},
		&RemoveParticipantFailed{failed("remove"), user},
		&CancelAddParticipantSucceeded{info("cancel"), "inv-1"},
		&CancelAddParticipantFailed{failed("cancel"), "inv-2"},
		&MoveParticipantSucceeded{info("move"), user, "cc-0"},
		&MoveParticipantFailed{failed("move"), user, "cc-0"},
		&ParticipantsUpdated{info(""), 7, []CallParticipant{{Identifier: user, IsMuted: true}, {Identifier: teams}, {Identifier: phone, IsOnHold: true}}},
		&CreateCallFailed{failed("create")},
		&AnswerFailed{failed("answer")},
		&ConnectFailed{failed("connect")},
		&HoldFailed{failed("hold")},
		&UnknownEvent{EventInfo: info("play"), Type: "Microsoft.Communication.PlayCompleted",
			Data: json.RawMessage(`{"callConnectionId":"cc-1","correlationId":"co-1","operationContext":"play","resultInformation":{"code":200,"message":"ok"},"serverCallId":"sc-1","extra":[1,2]}`)},
	}
}

// normalise fills in what encoding adds, so that events compare equal.
func normalise(evs []Event) {
	for _, ev := range evs {
		i := ev.Info()
		if i.Source == "" && i.CallConnectionID != "" {
			i.Source = "calling/callConnections/" + i.CallConnectionID
			i.Subject = i.Source
		}
	}
}

func TestCloudEventsRoundTrip(t *testing.T) {
	want := sampleEvents()
	body, err := MarshalCloudEvents(want...)
	require.NoError(t, err)
	got, err := ParseCloudEvents(body)
	require.NoError(t, err)
	normalise(want)
	require.Len(t, got, len(want))
	for k := range want {
		assert.Equal(t, want[k], got[k], "%d %s", k, want[k].EventType())
	}
	// Stable: encoding what was read gives the same bytes.
	again, err := MarshalCloudEvents(got...)
	require.NoError(t, err)
	assert.Equal(t, string(body), string(again))
}

func TestEventGridRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)
	in := &IncomingCall{
		EventInfo:           EventInfo{ID: "e1", Time: at, Topic: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Communication/communicationServices/r", ServerCallID: "sc", CorrelationID: "co"},
		To:                  identity.MicrosoftTeamsUserIdentifier{UserID: "00000000-0000-0000-0000-000000000002", Cloud: identity.CloudPublic},
		From:                identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"},
		CallerDisplayName:   "Caller",
		IncomingCallContext: "secret-context",
		OnBehalfOfCallee:    identity.MicrosoftTeamsUserIdentifier{UserID: "00000000-0000-0000-0000-000000000003", Cloud: identity.CloudPublic},
		CustomContext: CustomCallingContext{SIPHeaders: map[string]string{"X-MS-Custom-a": "1"}, TeamsPhoneCallDetails: &TeamsPhoneCallDetails{
			CallerDetails: &TeamsPhoneCallerDetails{Caller: identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}, Name: "Caller", PhoneNumber: "+14255550123", AdditionalCallerInformation: map[string]string{"a": "b"}},
			SourceDetails: &TeamsPhoneSourceDetails{Source: identity.MicrosoftTeamsAppIdentifier{AppID: "q", Cloud: identity.CloudPublic}, Language: "en", Status: "s",
				IntendedTargets: map[string]identity.Identifier{"t": identity.CommunicationUserIdentifier{ID: "8:acs:t"}}},
			CallTopic: "topic",
		}},
	}
	body, err := MarshalEventGridEvents(in)
	require.NoError(t, err)
	evs, err := ParseEventGridEvents(body)
	require.NoError(t, err)
	got := evs[0].(*IncomingCall)
	in.Subject = "/caller/4:+14255550123/recipient/8:orgid:00000000-0000-0000-0000-000000000002"
	assert.Equal(t, in, got)

	// The CloudEvents schema of the same event.
	body, err = MarshalCloudEvents(in)
	require.NoError(t, err)
	evs, err = ParseCloudEvents(body)
	require.NoError(t, err)
	got = evs[0].(*IncomingCall)
	assert.Equal(t, in.Topic, got.Source)
	assert.Equal(t, in.To, got.To)
	assert.Equal(t, "secret-context", got.IncomingCallContext)
	assert.Equal(t, in.CustomContext, got.CustomContext)

	v := &SubscriptionValidation{EventInfo: EventInfo{ID: "v", Time: at, Topic: "/t"}, ValidationCode: "code", ValidationURL: "https://v.example/"}
	body, err = MarshalEventGridEvents(v)
	require.NoError(t, err)
	evs, err = ParseEventGridEvents(body)
	require.NoError(t, err)
	assert.Equal(t, v, evs[0])
}

func TestUnknownEventsAreKept(t *testing.T) {
	body := `[
	 {"id":"1","type":"Microsoft.Communication.PlayCompleted","source":"s","specversion":"1.0","data":{"callConnectionId":"cc","operationContext":"op","resultInformation":{"code":200}}},
	 {"id":"2","type":"Contoso.Custom","specversion":"1.0","data":{"callConnectionId":7}},
	 {"id":"3","type":"Contoso.Text","specversion":"1.0","data":"plain text"},
	 {"id":"4","type":"Contoso.Binary","specversion":"1.0","data_base64":"AAEC"},
	 {"id":"5","type":"Contoso.Wrapped","specversion":"1.0","data":"{\"callConnectionId\":\"cc5\"}"},
	 {"id":"6","type":"Contoso.NoData","specversion":"1.0"},
	 {"id":"7","eventType":"Microsoft.EventGrid.SubscriptionDeletedEvent","data":{}}
	]`
	evs, err := ParseEvents([]byte(body))
	require.NoError(t, err)
	require.Len(t, evs, 7)
	for _, ev := range evs {
		_, ok := ev.(*UnknownEvent)
		require.True(t, ok, "%T", ev)
	}
	u := evs[0].(*UnknownEvent)
	assert.Equal(t, "Microsoft.Communication.PlayCompleted", u.EventType())
	assert.Equal(t, "cc", u.CallConnectionID)
	assert.Equal(t, "op", u.OperationContext)
	assert.Equal(t, 200, u.ResultInformation.Code)
	assert.JSONEq(t, `{"callConnectionId":"cc","operationContext":"op","resultInformation":{"code":200}}`, string(u.Data))

	u = evs[1].(*UnknownEvent)
	assert.Empty(t, u.CallConnectionID, "a member of the wrong type leaves the info empty")
	assert.JSONEq(t, `{"callConnectionId":7}`, string(u.Data))

	u = evs[2].(*UnknownEvent)
	assert.Equal(t, `"plain text"`, string(u.Data))

	u = evs[3].(*UnknownEvent)
	assert.Nil(t, u.Data)
	assert.Equal(t, []byte{0, 1, 2}, u.BinaryData)

	u = evs[4].(*UnknownEvent)
	assert.Equal(t, "cc5", u.CallConnectionID)
	assert.JSONEq(t, `{"callConnectionId":"cc5"}`, string(u.Data))

	u = evs[5].(*UnknownEvent)
	assert.Nil(t, u.Data)
	assert.Equal(t, "Microsoft.EventGrid.SubscriptionDeletedEvent", evs[6].EventType())
}

func TestParseErrors(t *testing.T) {
	secret := "incoming-call-context-secret"
	cases := map[string]struct {
		body  string
		index int
		typ   string
	}{
		"not json":    {`<xml/>`, -1, ""},
		"empty":       {``, -1, ""},
		"no type":     {`[{"id":"1","data":{}}]`, 0, ""},
		"not events":  {`["` + secret + `"]`, 0, ""},
		"bad element": {`[{"type":"X"},{"type":1,"data":"` + secret + `"}]`, 1, ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			evs, err := ParseEvents([]byte(c.body))
			require.Error(t, err)
			assert.Nil(t, evs)
			var ee *EventError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, c.index, ee.Index)
			assert.Equal(t, c.typ, ee.Type)
			assert.NotContains(t, err.Error(), secret)
			assert.True(t, strings.HasPrefix(err.Error(), "calling: "), err.Error())
			assert.Equal(t, strings.ToLower(err.Error()[:12]), err.Error()[:12])
		})
	}
	// A long type is cut in the error text.
	long := strings.Repeat("x", 500)
	_, err := ParseEventGridEvents([]byte(`[{"type":"` + long + `"}]`))
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 200)
}

// TestParseKeepsUndecodableEvents: an event of a known type whose data
// cannot be read is kept as an *UnknownEvent with its raw data and the
// reason in Err; the other events of the delivery are read as usual (one
// bad event used to fail the whole delivery, issue 11 §6).
func TestParseKeepsUndecodableEvents(t *testing.T) {
	secret := "incoming-call-context-secret"
	cases := map[string]struct {
		event string
		typ   string
		is    any
		cc    string // the call connection id still read from the data
		names string // the member at fault, named in the error
	}{
		"wrong member type": {`{"type":"Microsoft.Communication.CallConnected","data":{"callConnectionId":1,"operationContext":"` + secret + `"}}`, EventTypeCallConnected, nil, "", "member callConnectionId: "},
		"bad identifier": {`{"type":"Microsoft.Communication.AddParticipantSucceeded","data":{"callConnectionId":"cc-1","participant":{"communicationUser":{"id":"a"},"phoneNumber":{"value":"+1"}}}}`,
			EventTypeAddParticipantSucceeded, new(*identity.IdentifierModelError), "cc-1", "participant: "},
		"bad participant": {`{"type":"Microsoft.Communication.ParticipantsUpdated","data":{"callConnectionId":"cc-1","participants":[{"identifier":{"rawId":"4:+1","phoneNumber":{"value":"+1"}}},{"identifier":{"kind":"communicationUser","communicationUser":{}}}]}}`,
			EventTypeParticipantsUpdated, new(*identity.IdentifierModelError), "cc-1", "participants[1].identifier: "},
		// An identifier of the wrong JSON type names its member, read in
		// one pass or through encoding/json (data in a string); the member
		// name was lost once (issue 17 loose end 3).
		"incoming call data":             {`{"eventType":"Microsoft.Communication.IncomingCall","data":{"incomingCallContext":"` + secret + `","to":"x"}}`, EventTypeIncomingCall, nil, "", "data: member to: json string where an object was expected"},
		"incoming call data in a string": {`{"eventType":"Microsoft.Communication.IncomingCall","data":"{\"incomingCallContext\":\"` + secret + `\",\"to\":\"x\"}"}`, EventTypeIncomingCall, nil, "", "data: member to: json string where an object was expected"},
		"identifier member type": {`{"type":"Microsoft.Communication.AddParticipantSucceeded","data":{"callConnectionId":"cc-1","participant":{"kind":5}}}`,
			EventTypeAddParticipantSucceeded, nil, "cc-1", "data: member participant.kind: json number where a string was expected"},
		"identifier member type in a string": {`{"type":"Microsoft.Communication.AddParticipantSucceeded","data":"{\"callConnectionId\":\"cc-1\",\"participant\":{\"kind\":5}}"}`,
			EventTypeAddParticipantSucceeded, nil, "cc-1", "data: member participant.kind: json number where a string was expected"},
		"participant not an object": {`{"type":"Microsoft.Communication.ParticipantsUpdated","data":{"callConnectionId":"cc-1","participants":[{"identifier":"x"}]}}`,
			EventTypeParticipantsUpdated, nil, "cc-1", "data: member participants[0].identifier: json string where an object was expected"},
		"data not json": {`{"type":"Microsoft.Communication.CallConnected","data":"` + secret + `"}`, EventTypeCallConnected, nil, "", ""},
		// The Teams details of an IncomingCall's customContext.
		"teams details member type": {`{"eventType":"Microsoft.Communication.IncomingCall","data":{"incomingCallContext":"` + secret + `","customContext":{"teamsPhoneCallDetails":{"teamsPhoneCallerDetails":{"name":5}}}}}`,
			EventTypeIncomingCall, nil, "", "data: member customContext.teamsPhoneCallDetails.teamsPhoneCallerDetails.name: json number where a string was expected"},
		"teams details bad identifier": {`{"eventType":"Microsoft.Communication.IncomingCall","data":{"customContext":{"teamsPhoneCallDetails":{"teamsPhoneSourceDetails":{"source":{"kind":"communicationUser","communicationUser":{}}}}}}}`,
			EventTypeIncomingCall, new(*identity.IdentifierModelError), "", "customContext.teamsPhoneCallDetails.teamsPhoneSourceDetails.source: "},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			body := `[{"type":"Microsoft.Communication.CallConnected","data":{"callConnectionId":"cc-0"}},` + c.event + `,{"type":"Microsoft.Communication.CallDisconnected","data":{"callConnectionId":"cc-2"}}]`
			evs, err := ParseEvents([]byte(body))
			require.NoError(t, err)
			require.Len(t, evs, 3)
			assert.Equal(t, "cc-0", evs[0].(*CallConnected).CallConnectionID)
			assert.Equal(t, "cc-2", evs[2].(*CallDisconnected).CallConnectionID)

			u, ok := evs[1].(*UnknownEvent)
			require.True(t, ok, "%T", evs[1])
			assert.Equal(t, c.typ, u.Type)
			assert.Equal(t, c.cc, u.CallConnectionID)
			assert.True(t, len(u.Data) > 0 && json.Valid(u.Data), "the raw data is kept")
			var ee *EventError
			require.ErrorAs(t, u.Err, &ee)
			assert.Equal(t, 1, ee.Index)
			assert.Equal(t, c.typ, ee.Type)
			assert.NotContains(t, u.Err.Error(), secret)
			assert.True(t, strings.HasPrefix(u.Err.Error(), "calling: "), u.Err.Error())
			if c.is != nil {
				assert.True(t, errors.As(u.Err, c.is), "cause %v", u.Err)
			}
			assert.Contains(t, u.Err.Error(), c.names)
		})
	}
	// An unknown type is not an error.
	evs, err := ParseEvents([]byte(`[{"type":"Microsoft.Communication.PlayCompleted","data":{"callConnectionId":1}}]`))
	require.NoError(t, err)
	assert.NoError(t, evs[0].(*UnknownEvent).Err)
}

func TestMarshalErrors(t *testing.T) {
	var nilEvent *CallConnected
	for name, ev := range map[string]Event{
		"nil":           nil,
		"typed nil":     nilEvent,
		"unknown empty": &UnknownEvent{},
		"unknown data":  &UnknownEvent{Type: "T", Data: json.RawMessage("{")},
		"sequence":      &ParticipantsUpdated{SequenceNumber: 1 << 40},
		"result code":   &CallConnected{EventInfo{ResultInformation: &ResultInformation{Code: -1 << 40}}},
		"foreign":       foreignEvent{},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := MarshalCloudEvents(&CallConnected{}, ev)
			var ee *EventError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, 1, ee.Index)
			_, err = MarshalEventGridEvents(ev)
			require.ErrorAs(t, err, &ee)
		})
	}
	b, err := MarshalCloudEvents()
	require.NoError(t, err)
	assert.Equal(t, "[]", string(b))
}

type foreignEvent struct{ EventInfo }

func (foreignEvent) EventType() string { return "Foreign" }
func (foreignEvent) Info() *EventInfo  { return &EventInfo{} }

func TestIncomingCallFormatRedactsContext(t *testing.T) {
	ic := &IncomingCall{EventInfo: EventInfo{ServerCallID: "sc"}, IncomingCallContext: "eyJhbGciOi.secret.context", CallerDisplayName: "Ann"}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		for _, v := range []any{ic, *ic} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, "secret", verb)
			assert.NotContains(t, out, "eyJhbGciOi", verb)
		}
	}
	assert.Contains(t, fmt.Sprintf("%v", ic), "REDACTED")
	assert.Contains(t, fmt.Sprintf("%v", ic), "Ann")
	assert.Equal(t, "eyJhbGciOi.secret.context", ic.IncomingCallContext, "the value itself is untouched")
	// Inside a slice of events too.
	evs := []Event{ic}
	assert.NotContains(t, fmt.Sprint(evs), "secret")
}

func TestEventInterface(t *testing.T) {
	for _, ev := range sampleEvents() {
		require.NotNil(t, ev.Info())
		assert.NotEmpty(t, ev.EventType())
		assert.True(t, strings.HasPrefix(ev.EventType(), "Microsoft.Communication."), ev.EventType())
		_, known := builders[ev.EventType()]
		_, unknown := ev.(*UnknownEvent)
		assert.True(t, known != unknown, ev.EventType())
	}
	// Every typed event type has a builder and a sample.
	seen := map[string]bool{}
	for _, ev := range sampleEvents() {
		seen[ev.EventType()] = true
	}
	for typ := range builders {
		if typ == EventTypeIncomingCall || typ == EventTypeSubscriptionValidation {
			continue
		}
		assert.True(t, seen[typ], "no sample of %s", typ)
	}
}

func TestParseDoesNotKeepTheBody(t *testing.T) {
	body, err := MarshalCloudEvents(sampleEvents()...)
	require.NoError(t, err)
	orig := bytes.Clone(body)
	evs, err := ParseCloudEvents(body)
	require.NoError(t, err)
	for i := range body {
		body[i] = 'x'
	}
	again, err := MarshalCloudEvents(evs...)
	require.NoError(t, err)
	assert.Equal(t, string(orig), string(again), "events must not alias the body")
}

// TestIncomingCallTeamsPhoneCallDetails: an IncomingCall whose customContext
// carries teamsPhoneCallDetails (the IncomingCall of the 2026-03-12 spec
// has a CustomCallingContext) is read typed, in one pass and through
// encoding/json alike; it was read without them.
func TestIncomingCallTeamsPhoneCallDetails(t *testing.T) {
	body := []byte(`[{"id":"e1","topic":"/t","subject":"s","eventType":"Microsoft.Communication.IncomingCall","eventTime":"2026-03-12T10:00:00Z","dataVersion":"1.0","data":{
		"to":{"kind":"microsoftTeamsApp","rawId":"28:orgid:q","microsoftTeamsApp":{"appId":"q","cloud":"public"}},
		"from":{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}},
		"serverCallId":"sc","incomingCallContext":"icc",
		"customContext":{"voipHeaders":{"x-case":"4711"},"teamsPhoneCallDetails":{
			"teamsPhoneCallerDetails":{"caller":{"kind":"phoneNumber","phoneNumber":{"value":"+14255550123"}},"name":"Megan Bowen","phoneNumber":"+14255550123","recordId":"crm-4711","screenPopUrl":"https://crm.contoso.com/4711","isAuthenticated":true,"additionalCallerInformation":{"Tier":"Gold"}},
			"teamsPhoneSourceDetails":{"source":{"kind":"microsoftTeamsApp","microsoftTeamsApp":{"appId":"q","cloud":"public"}},"language":"en","status":"queued","intendedTargets":{"billing":{"kind":"microsoftTeamsUser","microsoftTeamsUser":{"userId":"u","cloud":"public"}}}},
			"sessionId":"s-1","intent":"billing","callTopic":"Invoice 4711","callContext":"Charged twice.","transcriptUrl":"https://crm.contoso.com/4711/t","callSentiment":"negative","suggestedActions":"Refund."}}}}]`)
	want := &TeamsPhoneCallDetails{
		CallerDetails: &TeamsPhoneCallerDetails{
			Caller: identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"}, Name: "Megan Bowen", PhoneNumber: "+14255550123", RecordID: "crm-4711",
			ScreenPopURL: "https://crm.contoso.com/4711", IsAuthenticated: true, AdditionalCallerInformation: map[string]string{"Tier": "Gold"},
		},
		SourceDetails: &TeamsPhoneSourceDetails{
			Source: identity.MicrosoftTeamsAppIdentifier{AppID: "q", Cloud: identity.CloudPublic}, Language: "en", Status: "queued",
			IntendedTargets: map[string]identity.Identifier{"billing": identity.MicrosoftTeamsUserIdentifier{UserID: "u", Cloud: identity.CloudPublic}},
		},
		SessionID: "s-1", Intent: "billing", CallTopic: "Invoice 4711", CallContext: "Charged twice.",
		TranscriptURL: "https://crm.contoso.com/4711/t", CallSentiment: "negative", SuggestedActions: "Refund.",
	}
	for name, decode := range map[string]func([]byte) ([]eventwire.Received, error){"one pass": eventwire.Decode, "encoding/json": eventwire.DecodeJSON} {
		evs, err := readEvents(body, 0, decode)
		require.NoError(t, err, name)
		ic, ok := evs[0].(*IncomingCall)
		require.True(t, ok, "%s: %T %v", name, evs[0], evs[0])
		assert.Equal(t, map[string]string{"x-case": "4711"}, ic.CustomContext.VoIPHeaders, name)
		assert.Equal(t, want, ic.CustomContext.TeamsPhoneCallDetails, name)
	}
}
