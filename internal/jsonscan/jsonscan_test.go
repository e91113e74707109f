package jsonscan

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

var samples = []string{
	`{}`, `[]`, ` {"a" : [1, -2.5e+3, true, false, null, "x\"y\u00e9\ud83d\ude00"], "b":{"c":{}}} `,
	`"plain"`, `"esc\n\t\\\/"`, "\"bad\xffutf8\"", `"\ud800"`, `0`, `-0`, `123`, `-2147483648`, `2147483647`,
	`2147483648`, `-2147483649`, `1.0`, `1e3`, `01`, `-`, `1.`, `.5`, `1e`, `+1`, `tru`, `nul`, `[1,]`, `{"a":1,}`,
	`{"a"}`, `{"a":}`, `{,}`, `[,1]`, `"\x"`, "\"a\x01\"", `"\u12"`, `{"a":1}}`, `[1] [2]`, `null`, `true`, ``, ` `,
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000), strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	`{"a\u0062":1}`,
}

// Skip accepts exactly what json.Valid accepts, and returns the value's
// bytes.
func FuzzSkip(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := New(data)
		raw := s.Skip()
		ok := s.End()
		if ok != json.Valid(data) {
			t.Fatalf("Skip+End = %v, json.Valid = %v: %q", ok, !ok, data)
		}
		if ok && !bytes.Equal(raw, bytes.TrimSpace(data)) {
			t.Fatalf("Skip returned %q of %q", raw, data)
		}
	})
}

// What String, Int32 and Bool read without failing is what encoding/json
// reads into a string, an int32 and a bool; a 32-bit integer, a boolean
// and every string are read without failing.
func FuzzValues(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var str string
		strErr := json.Unmarshal(data, &str)
		s := New(data)
		got := s.String()
		if s.End() {
			if strErr != nil || got != str {
				t.Fatalf("String = %q; encoding/json: %q, %v", got, str, strErr)
			}
		} else if strErr == nil && bytes.TrimSpace(data)[0] == '"' {
			t.Fatalf("String failed on %q", data)
		}

		var n int32
		nErr := json.Unmarshal(data, &n)
		s = New(data)
		gotN := s.Int32()
		if s.End() {
			if nErr != nil || gotN != n {
				t.Fatalf("Int32 = %d; encoding/json: %d, %v", gotN, n, nErr)
			}
		} else if nErr == nil && !bytes.ContainsAny(data, ".eE") && bytes.TrimSpace(data)[0] != 'n' {
			t.Fatalf("Int32 failed on %q", data)
		}

		var b bool
		bErr := json.Unmarshal(data, &b)
		s = New(data)
		gotB := s.Bool()
		if end := s.End(); end != (bErr == nil) || end && gotB != b {
			t.Fatalf("Bool = %v (end %v); encoding/json: %v, %v", gotB, s.End(), b, bErr)
		}
	})
}

func TestObject(t *testing.T) {
	s := New([]byte(` {"a": "x", "b": [1, 2], "c": {"d": null}, "e\u0066": 1} `))
	var keys []string
	for ok := s.Object(); ok; ok = s.More() {
		k := s.Key()
		keys = append(keys, string(k))
		switch string(k) {
		case "a":
			if s.String() != "x" {
				t.Error("a")
			}
		case "b":
			var ns []int32
			for ok := s.Array(); ok; ok = s.Next() {
				ns = append(ns, s.Int32())
			}
			if len(ns) != 2 || ns[1] != 2 {
				t.Error("b", ns)
			}
		default:
			s.Skip()
		}
	}
	if !s.Failed() || strings.Join(keys, ",") != "a,b,c," {
		t.Errorf("keys %v, failed %v: an escaped name must fail", keys, s.Failed())
	}
	s = New([]byte(`{"a":1} x`))
	for ok := s.Object(); ok; ok = s.More() {
		s.Key()
		s.Skip()
	}
	if s.End() {
		t.Error("trailing data accepted")
	}
	if !foldsTo([]byte("CallConnectionID"), "id", "callConnectionId") || foldsTo([]byte("x"), "id") {
		t.Error("FoldsTo")
	}
}

// Members reads the members named, skips the others, and fails where
// encoding/json would match a member otherwise than by its exact name or
// merge a repeated one.
func TestMembers(t *testing.T) {
	read := func(data string) (map[string]string, bool) {
		s := New([]byte(data))
		got := map[string]string{}
		ok := s.Members([]string{"a", "bC"}, func(name string) bool {
			got[name] = s.String()
			return true
		})
		return got, ok && s.End()
	}
	for _, good := range []string{`{"x":[1],"bC":"2","a":"1","y":{"a":3}}`, " {\n \"a\" : \"1\" ,\t\"bC\"\r:\"2\" } "} {
		if got, ok := read(good); !ok || got["a"] != "1" || got["bC"] != "2" {
			t.Errorf("%s: got %v, %v", good, got, ok)
		}
	}
	for _, bad := range []string{`{"A":"1"}`, `{"bc":"1"}`, `{"a":"1","a":"2"}`, `{"\u0061":"1"}`, `{"a":1}`, `{"a":"1"`, `[]`} {
		if _, ok := read(bad); ok {
			t.Errorf("%s read", bad)
		}
	}
	s := New([]byte(`{"a":"1"}`))
	if s.Members([]string{"a"}, func(string) bool { s.Skip(); return false }) || !s.Failed() {
		t.Error("a read that fails does not fail Members")
	}
}
