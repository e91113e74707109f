package jwt

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestObjectMembers(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want error
	}{
		{`{}`, 0, nil},
		{` { } `, 0, nil},
		{`{"a":1}`, 1, nil},
		{`{"a":"x,y","b":{"c":[1,2,{"d":","}]},"e":"\"},"}`, 3, nil},
		{`{"a\"b":1,"c":"\\"}`, 2, nil},
		{`{"a":1,"a":2}`, 0, errDuplicate},
		{`{"a":1,"b":{"a":1,"a":2}}`, 2, nil}, // nested repeats are the claim's business
		{`{"a":1} x`, 0, errTrailing},
		{`{"a":1}{}`, 0, errTrailing},
		{`{"a":1,}`, 0, errNotObject},
		{`{"a" 1}`, 0, errNotObject},
		{`[1]`, 0, errNotObject},
		{`null`, 0, errNotObject},
		{``, 0, errNotObject},
		{`{"a":1`, 0, errNotObject},
		{`{"a":[1}`, 0, errNotObject},
		{`{"a":"\u00e9"}`, 1, nil},
	} {
		m, err := objectMembers([]byte(c.in))
		if err != c.want {
			t.Errorf("%s: error %v, want %v", c.in, err, c.want)
			continue
		}
		if err == nil && len(m.list) != c.n {
			t.Errorf("%s: %d members, want %d", c.in, len(m.list), c.n)
		}
	}
}

// FuzzObjectMembers checks the member reader against encoding/json: the
// objects it accepts are those json.Unmarshal reads into a map with one
// entry per member, with the same names and the same values.
func FuzzObjectMembers(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":"x","c":[1,{"d":"}"}],"e":{"f":null}}`))
	f.Add([]byte(`{"a\u0062":true,"\ud83d\ude00":"\"\\","x":-1.5e3}`))
	f.Add([]byte("{\"\xff\":1,\"\xfe\":2}"))
	f.Add([]byte(` { "a" : [ ] , "b" : { } } `))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := objectMembers(data)
		var want map[string]json.RawMessage
		wantErr := json.Unmarshal(data, &want)
		if wantErr != nil || want == nil {
			if err == nil {
				t.Fatalf("accepted what encoding/json refuses (%v): %q", wantErr, data)
			}
			return
		}
		if err != nil {
			if err == errDuplicate || err == errTooMany {
				return
			}
			t.Fatalf("refused (%v) what encoding/json reads: %q", err, data)
		}
		if len(m.list) != len(want) {
			t.Fatalf("%d members, encoding/json has %d: %q", len(m.list), len(want), data)
		}
		for name, v := range want {
			got, ok := m.Get(name)
			if !ok || !bytes.Equal(got, v) {
				t.Fatalf("member %q is %q, encoding/json has %q", name, got, v)
			}
		}
	})
}
