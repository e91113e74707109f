package identity

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
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

// TestReadModelMembers checks that the fast path reads every member of the
// model and of its typed properties: a member added to one of them and not
// to readModel would be skipped there as unknown.
func TestReadModelMembers(t *testing.T) {
	var tags []string
	ty := reflect.TypeOf(IdentifierModel{})
	for i := range ty.NumField() {
		tags = append(tags, strings.Split(ty.Field(i).Tag.Get("json"), ",")[0])
	}
	if !slices.Equal(tags, modelMembers[:]) {
		t.Errorf("IdentifierModel has %v, readModel knows %v", tags, modelMembers)
	}
	for i := range ty.NumField() {
		if ty.Field(i).Type.Kind() != reflect.Pointer {
			continue
		}
		// Every field of the typed property set: strings to their name,
		// booleans true.
		var m IdentifierModel
		p := reflect.New(ty.Field(i).Type.Elem())
		for j := range p.Elem().NumField() {
			switch f := p.Elem().Field(j); f.Kind() {
			case reflect.String:
				f.SetString(p.Elem().Type().Field(j).Name)
			case reflect.Bool:
				f.SetBool(true)
			default:
				t.Fatalf("%s.%s: readModel reads strings and booleans", ty.Field(i).Name, p.Elem().Type().Field(j).Name)
			}
		}
		reflect.ValueOf(&m).Elem().Field(i).Set(p)
		data, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var f flatModel
		if !readModel(data, &f) {
			t.Fatalf("readModel does not read %s", data)
		}
		read := map[reflect.Type]any{
			reflect.TypeOf(f.user): f.user, reflect.TypeOf(f.phone): f.phone, reflect.TypeOf(f.teamsUser): f.teamsUser,
			reflect.TypeOf(f.teamsApp): f.teamsApp, reflect.TypeOf(f.extension): f.extension,
		}[p.Elem().Type()]
		if !reflect.DeepEqual(read, p.Elem().Interface()) {
			t.Errorf("readModel read %s as %+v", data, read)
		}
	}
}
