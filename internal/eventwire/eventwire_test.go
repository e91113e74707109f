package eventwire

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specDir holds the copies of the published examples (see its README).
const specDir = "../../calling/testdata/events"

func readSpec(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(specDir, name))
	if err != nil {
		t.Skipf("spec example not available: %v", err)
	}
	return b
}

func TestDecodeSpecCallConnected(t *testing.T) {
	envs, err := Decode(readSpec(t, "callback_CallConnected_cloudevent.json"))
	require.NoError(t, err)
	require.Len(t, envs, 1)
	e := &envs[0]
	assert.Equal(t, SchemaCloudEvents, e.Schema())
	assert.Equal(t, TypeCallConnected, e.EventTypeName())
	assert.Equal(t, "7dec6eed-129c-43f3-a2bf-134ac1978168", e.ID)
	assert.Equal(t, "1.0", e.SpecVersion)
	tm, ok := ParseTime(e.TimeString())
	require.True(t, ok)
	assert.Equal(t, time.Date(2022, 6, 24, 15, 12, 41, 555685800, time.UTC), tm.UTC())
	var d EventData
	require.NoError(t, DecodeData(0, &e.Envelope, &d))
	assert.Equal(t, "441f1200-fd54-422e-9566-a867d187dca7", d.CallConnectionID)
	assert.Equal(t, "e42f9a50-c36d-493a-9cc0-2fc1cdc7b708", d.ServerCallID)
	assert.Equal(t, "7a659f41-bd0f-4bae-8ac0-6af79283e1bc", d.CorrelationID)
	assert.Equal(t, CallConnectionSource(d.CallConnectionID), e.Source)
}

func TestDecodeSpecParticipantsUpdatedSingleObject(t *testing.T) {
	envs, err := Decode(readSpec(t, "callback_ParticipantsUpdated_cloudevent.json"))
	require.NoError(t, err)
	require.Len(t, envs, 1)
	var d EventData
	require.NoError(t, DecodeData(0, &envs[0].Envelope, &d))
	require.Len(t, d.Participants, 1)
	p := d.Participants[0]
	assert.True(t, p.IsMuted)
	assert.False(t, p.IsOnHold)
	var id struct {
		Kind              string
		CommunicationUser struct{ ID string }
	}
	require.NoError(t, json.Unmarshal(p.Identifier, &id))
	assert.Equal(t, "communicationUser", id.Kind)
	assert.Equal(t, "<ACS_USER_ID>", id.CommunicationUser.ID)
}

func TestDecodeSpecEventGrid(t *testing.T) {
	envs, err := Decode(readSpec(t, "eventgrid_IncomingCall.json"))
	require.NoError(t, err)
	require.Len(t, envs, 1)
	e := &envs[0]
	assert.Equal(t, SchemaEventGrid, e.Schema())
	assert.Equal(t, TypeIncomingCall, e.EventTypeName())
	var d EventData
	require.NoError(t, DecodeData(0, &e.Envelope, &d))
	assert.Equal(t, "{recipient-id}", rawID(d.To))
	assert.Equal(t, "{caller-id}", rawID(d.From))
	assert.Equal(t, "VOIP Caller", d.CallerDisplayName)
	assert.Equal(t, "35567842", d.CustomContext.SIPHeaders["X-MS-Custom-myheader1"])
	assert.Equal(t, "customValue", d.CustomContext.VoIPHeaders["customHeader"])
	assert.Equal(t, "{incoming-call-contextValue}", d.IncomingCallContext)

	envs, err = Decode(readSpec(t, "eventgrid_SubscriptionValidationEvent.json"))
	require.NoError(t, err)
	require.Len(t, envs, 1)
	d = EventData{}
	require.NoError(t, DecodeData(0, &envs[0].Envelope, &d))
	assert.Equal(t, TypeSubscriptionValidation, envs[0].EventTypeName())
	assert.Equal(t, "512d38b6-c7b8-40c8-89fe-f46f9e9622b6", d.ValidationCode)

	// The answer has the shape of the published response.
	want := readSpec(t, "eventgrid_SubscriptionValidationResponse.json")
	got, err := json.Marshal(ValidationResponse{ValidationResponse: d.ValidationCode})
	require.NoError(t, err)
	assert.JSONEq(t, string(want), string(got))
}

func TestPayloadForms(t *testing.T) {
	obj := `{"callConnectionId":"c1"}`
	quoted, _ := json.Marshal(obj)
	cases := map[string]string{
		"object":  `[{"type":"T","data":` + obj + `}]`,
		"string":  `[{"type":"T","data":` + string(quoted) + `}]`,
		"base64":  `[{"type":"T","data_base64":"eyJjYWxsQ29ubmVjdGlvbklkIjoiYzEifQ=="}]`,
		"spaces":  " \n[ {\"type\":\"T\",\"data\": " + obj + " } ]\n",
		"eventgr": `[{"eventType":"T","data":` + obj + `}]`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			envs, err := Decode([]byte(body))
			require.NoError(t, err)
			require.Len(t, envs, 1)
			var d EventData
			require.NoError(t, DecodeData(0, &envs[0].Envelope, &d))
			assert.Equal(t, "c1", d.CallConnectionID)
		})
	}
	for _, body := range []string{`[{"type":"T"}]`, `[{"type":"T","data":null}]`} {
		envs, err := Decode([]byte(body))
		require.NoError(t, err)
		var d EventData
		require.NoError(t, DecodeData(0, &envs[0].Envelope, &d))
		assert.Equal(t, EventData{}, d)
	}
	envs, err := Decode([]byte(`[]`))
	require.NoError(t, err)
	assert.Empty(t, envs)
}

func TestDecodeErrors(t *testing.T) {
	cases := map[string]struct {
		body  string
		index int
	}{
		"empty":          {``, -1},
		"number":         {`42`, -1},
		"string":         {`"x"`, -1},
		"no type":        {`[{"id":"1"}]`, 0},
		"second no type": {`[{"type":"T"},{"id":"1"}]`, 1},
		"object no type": {`{"id":"1"}`, 0},
		"bad member":     {`[{"type":7}]`, 0},
		"truncated":      {`[{"type":"T"}`, -1},
		"truncated obj":  {`[{"type":"T"`, 0},
		"trailing":       {`[{"type":"T"}] x`, -1},
		"trailing obj":   {`{"type":"T"} {}`, -1},
		"not objects":    {`[1]`, 0},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Decode([]byte(c.body))
			var de *DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, c.index, de.Index, err.Error())
		})
	}
}

func TestDecodeDataErrorsNameNoValues(t *testing.T) {
	secret := "s3cr3t-value-never-in-errors"
	bodies := []string{
		`[{"type":"T","data":{"callConnectionId":42,"operationContext":"` + secret + `"}}]`,
		`[{"type":"T","data":{"participants":"` + secret + `"}}]`,
		`[{"type":"T","data":"` + secret + `"}]`,
		`[{"type":"T","data_base64":"` + secret + `!"}]`,
		`[{"type":"T","data":{"x":1},"data_base64":"e30="}]`,
	}
	for _, body := range bodies {
		envs, err := Decode([]byte(body))
		require.NoError(t, err)
		var d EventData
		err = DecodeData(3, &envs[0].Envelope, &d)
		require.Error(t, err, body)
		var de *DecodeError
		require.ErrorAs(t, err, &de)
		assert.Equal(t, 3, de.Index)
		assert.NotContains(t, err.Error(), secret)
		assert.True(t, strings.HasPrefix(err.Error(), "event 3: data"), err.Error())
	}
}

func TestCountElements(t *testing.T) {
	cases := map[string]int{
		`[]`: 0, ` [ ] `: 0, "[\n]": 0, `[{}]`: 1, `[{},{}]`: 2, `[1,2,3]`: 3, `["a,b"]`: 1,
		`["\"],["]`: 1, `[[1,2],{"a":[3,4]}]`: 2, `[{"a":"\\"},{}]`: 2, `[[]]`: 1,
	}
	for body, want := range cases {
		n, ok := countElements(bytes.TrimSpace([]byte(body)))
		assert.True(t, ok, body)
		assert.Equal(t, want, n, body)
		var v []any
		require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(body)), &v), body)
		assert.Len(t, v, want, body)
	}
	_, ok := countElements([]byte(`{}`))
	assert.False(t, ok)
}

func TestTooManyEvents(t *testing.T) {
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i <= MaxEvents; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"type":"T"}`)
	}
	b.WriteByte(']')
	_, err := Decode([]byte(b.String()))
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Contains(t, err.Error(), "more than")
}

func TestEncodeRoundTrip(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 600000000, time.UTC)
	user := json.RawMessage(`{"kind":"communicationUser","rawId":"8:acs:r_u","communicationUser":{"id":"8:acs:r_u"}}`)
	phone := json.RawMessage(`{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}}`)
	d := &EventData{
		CallConnectionID:  "cc1",
		ServerCallID:      "sc1",
		CorrelationID:     "co1",
		OperationContext:  "op1",
		ResultInformation: &ResultInformation{Code: 200, SubCode: 7, Message: "ok", SIPDetails: &DiagnosticInfo{Code: 200, Message: "OK"}},
		Participants:      []CallParticipant{{Identifier: user, IsMuted: true}, {Identifier: phone, IsOnHold: true}},
		SequenceNumber:    3,
	}
	ce, err := NewCallbackEvent(TypeParticipantsUpdated, d, "", at)
	require.NoError(t, err)
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`), ce.ID)
	assert.Equal(t, "calling/callConnections/cc1", ce.Source)
	assert.Equal(t, ce.Source, ce.Subject)
	assert.Equal(t, "2026-01-02T03:04:05.6Z", ce.Time)
	body, err := MarshalCloudEvents([]CloudEvent{ce})
	require.NoError(t, err)

	envs, err := Decode(body)
	require.NoError(t, err)
	require.Len(t, envs, 1)
	assert.Equal(t, SchemaCloudEvents, envs[0].Schema())
	assert.Equal(t, SpecVersion, envs[0].SpecVersion)
	assert.Equal(t, ContentTypeJSON, envs[0].DataContentType)
	var got EventData
	require.NoError(t, DecodeData(0, &envs[0].Envelope, &got))
	assert.Equal(t, *d, got)

	// The participant flags are written even when false, as the service does.
	assert.Contains(t, string(body), `"isOnHold":false`)

	in := &EventData{
		To:                  user,
		From:                phone,
		ServerCallID:        "sc2",
		CallerDisplayName:   "Caller",
		IncomingCallContext: "ctx",
		CorrelationID:       "co2",
		CustomContext:       &CustomContext{SIPHeaders: map[string]string{"X-MS-Custom-a": "1"}},
	}
	eg, err := NewIncomingCallEvent("/subscriptions/x", in, "id2", at)
	require.NoError(t, err)
	assert.Equal(t, "/caller/4:+14255550123/recipient/8:acs:r_u", eg.Subject)
	body, err = MarshalEventGridEvents([]EventGridEvent{eg})
	require.NoError(t, err)
	envs, err = Decode(body)
	require.NoError(t, err)
	assert.Equal(t, SchemaEventGrid, envs[0].Schema())
	assert.Equal(t, "1", envs[0].MetadataVersion)
	got = EventData{}
	require.NoError(t, DecodeData(0, &envs[0].Envelope, &got))
	assert.Equal(t, *in, got)

	ice, err := NewIncomingCallCloudEvent("/subscriptions/x", in, "id3", at)
	require.NoError(t, err)
	assert.Equal(t, "/subscriptions/x", ice.Source)
	assert.Equal(t, TypeIncomingCall, ice.Type)

	v, err := NewSubscriptionValidationEvent("/subscriptions/x", "code", "https://v", "", at)
	require.NoError(t, err)
	assert.Equal(t, TypeSubscriptionValidation, v.EventType)

	_, err = NewCallbackEvent("", nil, "", at)
	assert.Error(t, err)
	_, err = NewIncomingCallEvent("t", nil, "", at)
	assert.Error(t, err)

	empty, err := MarshalCloudEvents(nil)
	require.NoError(t, err)
	assert.Equal(t, "[]", string(empty))
	empty, err = MarshalEventGridEvents(nil)
	require.NoError(t, err)
	assert.Equal(t, "[]", string(empty))
}

func TestTimes(t *testing.T) {
	for _, s := range []string{"2022-06-24T15:12:41.5556858+00:00", "2023-04-04T17:18:42.5542219Z", "2022-10-28T04:23:35Z"} {
		_, ok := ParseTime(s)
		assert.True(t, ok, s)
	}
	for _, s := range []string{"", "yesterday", "2022-06-24 15:12:41"} {
		tm, ok := ParseTime(s)
		assert.False(t, ok, s)
		assert.True(t, tm.IsZero())
	}
	assert.Equal(t, "", FormatTime(time.Time{}))
}

func TestSchemaString(t *testing.T) {
	assert.Equal(t, "cloudevents", SchemaCloudEvents.String())
	assert.Equal(t, "eventgrid", SchemaEventGrid.String())
	assert.Equal(t, "schema(9)", Schema(9).String())
	assert.True(t, errors.Is(fixEOF(errors.New("unexpected EOF")), errUnexpectedEnd))
}

// FuzzDecode checks that no input makes Decode or DecodeData panic, that
// errors never quote the input, and that what decodes re-encodes to JSON
// that decodes to the same data.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"callback_CallConnected_cloudevent.json", "callback_ParticipantsUpdated_cloudevent.json", "eventgrid_IncomingCall.json", "eventgrid_SubscriptionValidationEvent.json"} {
		if b, err := os.ReadFile(filepath.Join(specDir, name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`[{"type":"T","data":"{\"callConnectionId\":\"c\"}"}]`))
	f.Add([]byte(`[{"type":"T","data_base64":"e30="}]`))
	f.Add([]byte(`{"eventType":"T","data":{"to":{"rawId":"x","kind":"unknown"}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		envs, err := Decode(body)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is %T, not *DecodeError", err)
			}
			return
		}
		if trimmed := bytes.TrimSpace(body); trimmed[0] == '[' {
			if n, _ := countElements(trimmed); n != len(envs) {
				t.Fatalf("countElements says %d, Decode read %d", n, len(envs))
			}
		}
		for i := range envs {
			var d EventData
			if err := DecodeData(i, &envs[i].Envelope, &d); err != nil {
				continue
			}
			b, err := json.Marshal(&d)
			if err != nil {
				t.Fatalf("re-encoding: %v", err)
			}
			var again EventData
			if err := json.Unmarshal(b, &again); err != nil {
				t.Fatalf("decoding the re-encoded data: %v", err)
			}
			b2, _ := json.Marshal(&again)
			if string(b) != string(b2) {
				t.Fatalf("re-encoding is not stable:\n%s\n%s", b, b2)
			}
		}
	})
}
