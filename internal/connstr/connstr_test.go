package connstr

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testKey is a made-up 64-byte key, the size of a real ACS access key.
var testKey = bytes.Repeat([]byte("k3y!"), 16)

var testKeyB64 = base64.StdEncoding.EncodeToString(testKey)

func TestParse(t *testing.T) {
	const ep = "https://contoso.communication.azure.com"
	short := base64.StdEncoding.EncodeToString([]byte("ab")) // "YWI="
	tests := []struct {
		name     string
		in       string
		endpoint string
		key      []byte
		problem  string // empty: success
	}{
		{name: "portal form", in: "endpoint=" + ep + "/;accesskey=" + testKeyB64, endpoint: ep, key: testKey},
		{name: "no trailing slash", in: "endpoint=" + ep + ";accesskey=" + testKeyB64, endpoint: ep, key: testKey},
		{name: "key first", in: "accesskey=" + testKeyB64 + ";endpoint=" + ep + "/", endpoint: ep, key: testKey},
		{name: "case-insensitive keys", in: "EndPoint=" + ep + "/;AccessKey=" + testKeyB64, endpoint: ep, key: testKey},
		{name: "spaces and trailing semicolon", in: "  endpoint = " + ep + "/ ;\taccesskey= " + testKeyB64 + " ;\n", endpoint: ep, key: testKey},
		{name: "empty segments", in: ";endpoint=" + ep + ";;accesskey=" + testKeyB64 + ";;", endpoint: ep, key: testKey},
		{name: "unknown key ignored", in: "endpoint=" + ep + ";accesskey=" + testKeyB64 + ";region=westeurope", endpoint: ep, key: testKey},
		{name: "padding lost", in: "endpoint=" + ep + ";accesskey=YWI", endpoint: ep, key: []byte("ab")},
		{name: "short padded key", in: "endpoint=" + ep + ";accesskey=" + short, endpoint: ep, key: []byte("ab")},
		{name: "scheme upper case", in: "endpoint=HTTPS://contoso.communication.azure.com/;accesskey=" + short, endpoint: ep, key: []byte("ab")},
		{name: "http loopback with port", in: "endpoint=http://127.0.0.1:8080/;accesskey=" + short, endpoint: "http://127.0.0.1:8080", key: []byte("ab")},
		{name: "path kept", in: "endpoint=https://proxy.example/acs//;accesskey=" + short, endpoint: "https://proxy.example/acs", key: []byte("ab")},
		{name: "ipv6 host", in: "endpoint=http://[::1]:9/;accesskey=" + short, endpoint: "http://[::1]:9", key: []byte("ab")},

		{name: "empty", in: "", problem: "empty"},
		{name: "blank", in: " \t ", problem: "empty"},
		{name: "only separators", in: ";;", problem: "missing endpoint"},
		{name: "missing endpoint", in: "accesskey=" + testKeyB64, problem: "missing endpoint"},
		{name: "missing accesskey", in: "endpoint=" + ep, problem: "missing accesskey"},
		{name: "empty endpoint", in: "endpoint=;accesskey=" + testKeyB64, problem: "endpoint is empty"},
		{name: "empty accesskey", in: "endpoint=" + ep + ";accesskey= ", problem: "accesskey is empty"},
		{name: "padding only", in: "endpoint=" + ep + ";accesskey==", problem: "accesskey is not valid base64"},
		{name: "not key=value", in: "endpoint=" + ep + ";" + testKeyB64[:20], problem: "segment 2 is not key=value"},
		{name: "no key", in: "endpoint=" + ep + ";=" + testKeyB64, problem: "segment 2 has no key"},
		{name: "duplicate endpoint", in: "endpoint=" + ep + ";ENDPOINT=" + ep + ";accesskey=" + testKeyB64, problem: `duplicate key "endpoint"`},
		{name: "duplicate accesskey", in: "endpoint=" + ep + ";accesskey=" + testKeyB64 + ";accesskey=" + testKeyB64, problem: `duplicate key "accesskey"`},
		{name: "duplicate unknown key", in: "endpoint=" + ep + ";accesskey=" + testKeyB64 + ";x=1;X=2", problem: "segment 4 repeats a key"},
		{name: "relative endpoint", in: "endpoint=contoso.communication.azure.com;accesskey=" + testKeyB64, problem: "endpoint must be an absolute http or https URL"},
		{name: "ftp endpoint", in: "endpoint=ftp://contoso/;accesskey=" + testKeyB64, problem: "endpoint must be an absolute http or https URL"},
		{name: "no host", in: "endpoint=https:///path;accesskey=" + testKeyB64, problem: "endpoint has no host"},
		{name: "port without host", in: "endpoint=https://:443/;accesskey=" + testKeyB64, problem: "endpoint has no host"},
		{name: "opaque", in: "endpoint=https:contoso;accesskey=" + testKeyB64, problem: "endpoint has no host"},
		{name: "user info", in: "endpoint=https://u:p@contoso/;accesskey=" + testKeyB64, problem: "endpoint must not contain user information"},
		{name: "query", in: "endpoint=https://contoso/?a=b;accesskey=" + testKeyB64, problem: "endpoint must not have a query or fragment"},
		{name: "fragment", in: "endpoint=https://contoso/#x;accesskey=" + testKeyB64, problem: "endpoint must not have a query or fragment"},
		{name: "bad URL", in: "endpoint=https://contoso%zz/;accesskey=" + testKeyB64, problem: "endpoint is not a valid URL"},
		{name: "key not base64", in: "endpoint=" + ep + ";accesskey=" + testKeyB64[:40] + "*" + testKeyB64[41:], problem: "accesskey is not valid base64"},
		{name: "url-safe key", in: "endpoint=" + ep + ";accesskey=-_-_", problem: "accesskey is not valid base64"},
		{name: "old regex-only form", in: "endpoint=" + ep + "accesskey=" + testKeyB64, problem: "missing accesskey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.problem != "" {
				var pe *ParseError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tt.problem, pe.Problem)
				assert.Equal(t, "invalid connection string: "+tt.problem, err.Error())
				assert.Zero(t, got)
				assertNoSecret(t, err.Error(), tt.in)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.endpoint, got.Endpoint)
			assert.Equal(t, tt.key, got.AccessKey)
		})
	}
}

// assertNoSecret checks that s quotes neither the input nor its accesskey
// value.
func assertNoSecret(t *testing.T, s, in string) {
	t.Helper()
	if len(in) >= 8 {
		assert.NotContains(t, s, in)
	}
	for _, seg := range strings.Split(in, ";") {
		k, v, _ := strings.Cut(seg, "=")
		if v = strings.TrimSpace(v); len(v) >= 6 && strings.EqualFold(strings.TrimSpace(k), "accesskey") {
			assert.NotContains(t, s, v)
		}
	}
	assert.NotContains(t, s, testKeyB64[:12])
	assert.NotContains(t, s, string(testKey[:8]))
}

func TestRedaction(t *testing.T) {
	cs, err := Parse("endpoint=https://contoso.communication.azure.com/;accesskey=" + testKeyB64)
	require.NoError(t, err)

	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v"} {
		outputs = append(outputs, fmt.Sprintf(verb, cs), fmt.Sprintf(verb, &cs), fmt.Sprintf(verb, []ConnectionString{cs}),
			fmt.Sprintf(verb, struct{ C ConnectionString }{cs}))
	}
	outputs = append(outputs, fmt.Sprint(cs), fmt.Sprintln(cs), cs.String(), cs.GoString())
	j, err := json.Marshal(cs)
	require.NoError(t, err)
	outputs = append(outputs, string(j))
	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("parsed", "cs", cs)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("parsed", "cs", cs)
	outputs = append(outputs, logs.String())

	hexKey := fmt.Sprintf("%x", testKey)
	for _, out := range outputs {
		assert.NotContains(t, out, testKeyB64[:12])
		assert.NotContains(t, out, string(testKey[:8]))
		assert.NotContains(t, out, hexKey[:16])
		assert.NotContains(t, out, "[107 51") // testKey as decimal bytes
	}
	assert.Equal(t, "endpoint=https://contoso.communication.azure.com;accesskey=REDACTED", cs.String())
	assert.Equal(t, `connstr.ConnectionString{Endpoint:"https://contoso.communication.azure.com", AccessKey:REDACTED(64 bytes)}`, fmt.Sprintf("%#v", cs))
	assert.JSONEq(t, `{"endpoint":"https://contoso.communication.azure.com","accessKey":"REDACTED"}`, string(j))
	assert.Contains(t, logs.String(), "cs.endpoint=https://contoso.communication.azure.com cs.accessKey=REDACTED")
}

func TestParseErrorIsTyped(t *testing.T) {
	_, err := Parse("endpoint=https://x/")
	var pe *ParseError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "missing accesskey", pe.Problem)
}

func ExampleParse() {
	// The key here is made up; real ones come from the portal or a secret store.
	cs, err := Parse("endpoint=https://contoso.communication.azure.com/;accesskey=c2VjcmV0LWtleS1ieXRlcw==")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cs.Endpoint)
	fmt.Println(len(cs.AccessKey), "key bytes")
	fmt.Println(cs) // the key is redacted

	_, err = Parse("endpoint=https://contoso.communication.azure.com/")
	fmt.Println(err)
	// Output:
	// https://contoso.communication.azure.com
	// 16 key bytes
	// endpoint=https://contoso.communication.azure.com;accesskey=REDACTED
	// invalid connection string: missing accesskey
}

// problems are the messages Parse may produce; a segment number stands as N.
var problems = map[string]bool{
	"empty": true, "missing endpoint": true, "missing accesskey": true,
	"endpoint is empty": true, "accesskey is empty": true,
	"segment N is not key=value": true, "segment N has no key": true, "segment N repeats a key": true,
	`duplicate key "endpoint"`: true, `duplicate key "accesskey"`: true,
	"endpoint is not a valid URL": true, "endpoint must be an absolute http or https URL": true,
	"endpoint has no host": true, "endpoint must not contain user information": true,
	"endpoint must not have a query or fragment": true, "accesskey is not valid base64": true,
}

// genericProblem replaces the segment number in p with N.
func genericProblem(p string) string {
	if rest, ok := strings.CutPrefix(p, "segment "); ok {
		if i := strings.IndexByte(rest, ' '); i > 0 && strings.Trim(rest[:i], "0123456789") == "" {
			return "segment N" + rest[i:]
		}
	}
	return p
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"endpoint=https://contoso.communication.azure.com/;accesskey=" + testKeyB64,
		"accesskey=YWI=;endpoint=http://127.0.0.1:8080",
		" ENDPOINT = https://x/ ; AccessKey = YWI ;",
		"endpoint=https://x/;accesskey=YWI=;accesskey=YWI=",
		"endpoint=https://u:p@x/?q#f;accesskey=*",
		"endpoint=;accesskey=;;=;x",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not *ParseError", err)
			}
			if !problems[genericProblem(pe.Problem)] {
				t.Fatalf("unexpected problem %q", pe.Problem)
			}
			msg := err.Error()
			// The message is fixed wording; a key that happens to be a
			// piece of that wording ("dpoint") is not a leak.
			fixed := "invalid connection string: " + genericProblem(pe.Problem)
			for _, seg := range strings.Split(s, ";") {
				k, v, _ := strings.Cut(seg, "=")
				// Short values can occur in any message by chance.
				if v = strings.TrimSpace(v); len(v) >= 6 && strings.EqualFold(strings.TrimSpace(k), "accesskey") && strings.Contains(msg, v) && !strings.Contains(fixed, v) {
					t.Fatalf("error %q contains the accesskey value", msg)
				}
			}
			return
		}
		u, perr := url.Parse(cs.Endpoint)
		if perr != nil {
			t.Fatalf("endpoint %q does not parse: %v", cs.Endpoint, perr)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Hostname() == "" {
			t.Fatalf("endpoint %q is not an absolute http(s) URL with a host", cs.Endpoint)
		}
		if strings.HasSuffix(cs.Endpoint, "/") {
			t.Fatalf("endpoint %q ends with a slash", cs.Endpoint)
		}
		if len(cs.AccessKey) == 0 {
			t.Fatal("empty access key on success")
		}
		if got, want := cs.String(), "endpoint="+cs.Endpoint+";accesskey=REDACTED"; got != want {
			t.Fatalf("String() = %q, want %q", got, want)
		}
	})
}
