package jwt

import "testing"

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
		if err == nil && len(m) != c.n {
			t.Errorf("%s: %d members, want %d", c.in, len(m), c.n)
		}
	}
}
