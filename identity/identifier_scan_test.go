package identity

import (
	"reflect"
	"testing"
)

// FuzzUnmarshalIdentifierPaths checks that UnmarshalIdentifier's fast path
// gives what encoding/json gives (the same identifier, or the same error)
// for every input it reads, and that it reads the models the services
// send.
func FuzzUnmarshalIdentifierPaths(f *testing.F) {
	common := []string{
		`{"kind":"communicationUser","rawId":"8:acs:r_u","communicationUser":{"id":"8:acs:r_u"}}`,
		`{"kind":"phoneNumber","rawId":"4:+14255550123","phoneNumber":{"value":"+14255550123"}}`,
		` { "rawId" : "4:anonymous", "phoneNumber" : { "value" : "anonymous", "isAnonymous" : true, "assertedId" : null } } `,
		`{"kind":"microsoftTeamsUser","rawId":"8:orgid:u","microsoftTeamsUser":{"userId":"u","isAnonymous":false,"cloud":"public"}}`,
		`{"kind":"microsoftTeamsApp","rawId":"28:dod:a","microsoftTeamsApp":{"appId":"a","cloud":"dod"}}`,
		`{"kind":"teamsExtensionUser","rawId":"8:acs:r_t_u","teamsExtensionUser":{"userId":"u","tenantId":"t","resourceId":"r","cloud":"public"}}`,
		`{"kind":"unknown","rawId":"48:x","extra":[1,{"a":null}]}`,
		`{"rawId":"r","communicationUser":{"id":"8:acs:x"},"phoneNumber":{"value":"+1"}}`,
		`{"communicationUser":null,"rawId":"8:acs:x"}`,
		`{"communicationUser":{}}`,
	}
	for _, s := range common {
		var m flatModel
		if !readModel([]byte(s), &m) {
			f.Fatalf("the fast path does not read %s", s)
		}
		f.Add([]byte(s))
	}
	for _, s := range []string{`{"Kind":"x","rawId":"y"}`, `{"rawId":"a","rawId":"b"}`, `{"rawId":"\u0041"}`, `{"r\u0061wId":"a"}`, `{"rawId":1}`, `null`, `{"communicationUser":{"ID":"x"}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m flatModel
		if !readModel(data, &m) {
			return
		}
		id, err := m.identifier()
		want, wantErr := unmarshalModelJSON(data)
		if !reflect.DeepEqual(id, want) || (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
			t.Fatalf("%q: fast path %#v, %v; encoding/json %#v, %v", data, id, err, want, wantErr)
		}
	})
}

func BenchmarkUnmarshalIdentifier(b *testing.B) {
	data := []byte(`{"kind":"microsoftTeamsUser","rawId":"8:orgid:6e1c4c3c-5c8d-4b0a-9c1f-0a7b7e1f2d3c","microsoftTeamsUser":{"userId":"6e1c4c3c-5c8d-4b0a-9c1f-0a7b7e1f2d3c","isAnonymous":false,"cloud":"public"}}`)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := UnmarshalIdentifier(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := unmarshalModelJSON(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
