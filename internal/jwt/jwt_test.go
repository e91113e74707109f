package jwt

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	keyOnce sync.Once
	key1    *rsa.PrivateKey
	key2    *rsa.PrivateKey
)

func keys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		if key1, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if key2, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	return key1, key2
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// unsigned builds header.payload.signature from raw JSON texts.
func unsigned(header, payload string) string {
	return b64(header) + "." + b64(payload) + "." + b64("sig")
}

func requireJWTError(t *testing.T, err error, token, problem string) {
	t.Helper()
	require.Error(t, err)
	var je *Error
	require.True(t, errors.As(err, &je), "error %v is not *jwt.Error", err)
	if problem != "" {
		assert.Contains(t, je.Problem, problem)
	}
	assert.Equal(t, strings.ToLower(err.Error()[:1]), err.Error()[:1])
	if len(token) >= 8 {
		assert.NotContains(t, err.Error(), token)
		for _, part := range strings.Split(token, ".") {
			if len(part) >= 8 {
				assert.NotContains(t, err.Error(), part)
			}
		}
	}
}

func TestParse(t *testing.T) {
	tok := unsigned(`{"alg":"RS256","kid":"k1","typ":"JWT","x5t":"k1"}`,
		`{"aud":"https://auth.msft.communication.azure.com","exp":1700003600,"iat":1700000000.5,"scp":"a b","n":null,"ver":"1.0","num":"42","int":7}`)
	p, err := Parse(tok)
	require.NoError(t, err)
	assert.Equal(t, Header{Alg: "RS256", Kid: "k1", Typ: "JWT", X5t: "k1"}, p.Header)
	assert.Equal(t, []byte("sig"), p.Signature)
	assert.Equal(t, tok[:strings.LastIndex(tok, ".")], p.Signed)
	assert.True(t, p.Has("n"))
	assert.False(t, p.Has("missing"))

	s, err := p.StringClaim("scp")
	require.NoError(t, err)
	assert.Equal(t, "a b", s)
	s, err = p.StringClaim("n")
	require.NoError(t, err)
	assert.Empty(t, s)
	_, err = p.StringClaim("exp")
	requireJWTError(t, err, tok, `claim "exp" is not a string`)

	aud, err := p.Strings("aud")
	require.NoError(t, err)
	assert.Equal(t, []string{"https://auth.msft.communication.azure.com"}, aud)
	aud, err = p.Strings("missing")
	require.NoError(t, err)
	assert.Nil(t, aud)

	exp, err := p.Time("exp")
	require.NoError(t, err)
	assert.Equal(t, time.Unix(1700003600, 0).UTC(), exp)
	iat, err := p.Time("iat")
	require.NoError(t, err)
	assert.Equal(t, time.Unix(1700000000, 5e8).UTC(), iat)
	zero, err := p.Time("missing")
	require.NoError(t, err)
	assert.True(t, zero.IsZero())
	_, err = p.Time("ver")
	requireJWTError(t, err, tok, "NumericDate")

	n, err := p.Int64("num")
	require.NoError(t, err)
	assert.Equal(t, int64(42), n)
	n, err = p.Int64("int")
	require.NoError(t, err)
	assert.Equal(t, int64(7), n)
	_, err = p.Int64("ver")
	requireJWTError(t, err, tok, "not an integer")

	v, err := p.StringOrNumber("ver")
	require.NoError(t, err)
	assert.Equal(t, "1.0", v)
	v, err = p.StringOrNumber("exp")
	require.NoError(t, err)
	assert.Equal(t, "1700003600", v)

	var dst struct {
		Scp string `json:"scp"`
	}
	require.NoError(t, p.Decode(&dst))
	assert.Equal(t, "a b", dst.Scp)
	var bad struct {
		Scp int `json:"scp"`
	}
	requireJWTError(t, p.Decode(&bad), tok, "expected claim types")

	assert.NotContains(t, fmt.Sprint(p), "communication")
	assert.NotContains(t, fmt.Sprintf("%#v", p), "communication")
	assert.Contains(t, p.String(), `kid: "k1"`)
}

func TestClaimHelpers(t *testing.T) {
	p, err := Parse(unsigned(`{"alg":"none"}`, `{
		"aud":["a","b"], "audbad":[1], "obj":{}, "arr":[],
		"neg":-1, "huge":1e300, "frac":1.25, "big":99999999999999999999, "str":"x", "nan":"NaN", "t":true}`))
	require.NoError(t, err)
	aud, err := p.Strings("aud")
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, aud)
	empty, err := p.Strings("arr")
	require.NoError(t, err)
	assert.Empty(t, empty)
	for _, name := range []string{"audbad", "obj", "t"} {
		_, err = p.Strings(name)
		requireJWTError(t, err, "", "not a string or an array of strings")
	}
	for _, name := range []string{"neg", "huge", "big"} {
		_, err = p.Time(name)
		requireJWTError(t, err, "", "out of range")
	}
	for _, name := range []string{"str", "nan", "obj", "t"} {
		_, err = p.Time(name)
		requireJWTError(t, err, "", "NumericDate")
	}
	ft, err := p.Time("frac")
	require.NoError(t, err)
	assert.Equal(t, time.Unix(1, 25e7).UTC(), ft)
	for _, name := range []string{"big", "frac", "str", "huge"} {
		_, err = p.Int64(name)
		requireJWTError(t, err, "", "not an integer")
	}
	for _, name := range []string{"obj", "arr", "t"} {
		_, err = p.StringOrNumber(name)
		requireJWTError(t, err, "", "not a string or a number")
	}
}

func TestParseErrors(t *testing.T) {
	valid := unsigned(`{"alg":"RS256"}`, `{"sub":"x"}`)
	h, pl, _ := strings.Cut(valid, ".")
	pl, _, _ = strings.Cut(pl, ".")
	tests := []struct {
		name, token, problem string
	}{
		{"empty", "", "empty"},
		{"too large", unsigned(`{"alg":"RS256"}`, `{"x":"`+strings.Repeat("a", MaxTokenSize)+`"}`), "larger than"},
		{"one part", h, "three"},
		{"two parts", h + "." + pl, "three"},
		{"four parts", valid + ".x", "three"},
		{"jwe", "a.b.c.d.e", "encrypted"},
		{"space", " " + valid, "white space"},
		{"bearer", "Bearer " + valid, "Bearer"},
		{"padded header", base64.URLEncoding.EncodeToString([]byte(`{"alg":"RS256"}x`)) + "." + pl + ".", "header is not valid"},
		{"std alphabet", b64(`{"alg":"RS256"}`) + "." + "a+/b" + ".", "payload is not valid"},
		{"bad signature b64", h + "." + pl + ".***", "signature is not valid"},
		{"header not json", b64(`alg`) + "." + pl + ".", "header is not a JSON object"},
		{"header array", b64(`["alg"]`) + "." + pl + ".", "header is not a JSON object"},
		{"header string", b64(`"x"`) + "." + pl + ".", "header is not a JSON object"},
		{"header empty", "." + pl + ".", "header is not a JSON object"},
		{"header trailing", b64(`{"alg":"RS256"} {}`) + "." + pl + ".", "data after it"},
		{"header dup", b64(`{"alg":"none","alg":"RS256"}`) + "." + pl + ".", "repeated"},
		{"no alg", b64(`{"kid":"k"}`) + "." + pl + ".", `no "alg"`},
		{"alg number", b64(`{"alg":1}`) + "." + pl + ".", `"alg" is not`},
		{"alg empty", b64(`{"alg":""}`) + "." + pl + ".", `"alg" is not`},
		{"kid number", b64(`{"alg":"RS256","kid":1}`) + "." + pl + ".", `"kid" is not a string`},
		{"typ object", b64(`{"alg":"RS256","typ":{}}`) + "." + pl + ".", `"typ" is not a string`},
		{"crit empty", b64(`{"alg":"RS256","crit":[]}`) + "." + pl + ".", `"crit"`},
		{"payload array", h + "." + b64(`[1]`) + ".", "payload is not a JSON object"},
		{"payload null", h + "." + b64(`null`) + ".", "payload is not a JSON object"},
		{"payload truncated", h + "." + b64(`{"a":1`) + ".", "payload is not a JSON object"},
		{"payload bad value", h + "." + b64(`{"a":tru}`) + ".", "payload is not a JSON object"},
		{"payload dup", h + "." + b64(`{"oid":"a","oid":"b"}`) + ".", "repeated"},
		{"payload trailing", h + "." + b64(`{"oid":"a"}x`) + ".", "data after it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.token)
			requireJWTError(t, err, tt.token, tt.problem)
		})
	}
}

func TestParseTooManyClaims(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range maxClaimCount + 1 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"%d":0`, i)
	}
	b.WriteString("}")
	_, err := Parse(unsigned(`{"alg":"RS256"}`, b.String()))
	requireJWTError(t, err, "", "too many members")
}

func TestSignVerify(t *testing.T) {
	k1, k2 := keys(t)
	set := JWKS{Keys: []JWK{JWKFromPublicKey("one", &k1.PublicKey), JWKFromPublicKey("two", &k2.PublicKey)}}

	claims := map[string]any{"oid": "u", "exp": 1700000000}
	tok, err := SignRS256(claims, "one", k1)
	require.NoError(t, err)
	p, err := ParseVerifiedRS256(tok, set)
	require.NoError(t, err)
	assert.Equal(t, Header{Alg: "RS256", Kid: "one", Typ: "JWT"}, p.Header)
	oid, _ := p.StringClaim("oid")
	assert.Equal(t, "u", oid)
	require.NoError(t, VerifyRS256(tok, set))

	// The set survives a JSON round trip, as it does when served over HTTP.
	raw, err := json.Marshal(set)
	require.NoError(t, err)
	var decoded JWKS
	require.NoError(t, json.Unmarshal(raw, &decoded))
	require.NoError(t, VerifyRS256(tok, decoded))

	// Signed by key two but naming key one.
	wrongKey, err := SignRS256(claims, "one", k2)
	require.NoError(t, err)
	requireJWTError(t, VerifyRS256(wrongKey, set), wrongKey, "signature is not valid")

	// A tampered payload.
	parts := strings.Split(tok, ".")
	tampered := parts[0] + "." + b64(`{"oid":"admin","exp":1700000000}`) + "." + parts[2]
	requireJWTError(t, VerifyRS256(tampered, set), tampered, "signature is not valid")

	// A truncated signature.
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	short := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString(sig[:len(sig)-1])
	requireJWTError(t, VerifyRS256(short, set), short, "signature length")

	// Unknown and missing kid.
	unknown, err := SignRS256(claims, "three", k1)
	require.NoError(t, err)
	requireJWTError(t, VerifyRS256(unknown, set), unknown, "no key with the token's kid")
	noKid, err := SignRS256(claims, "", k1)
	require.NoError(t, err)
	requireJWTError(t, VerifyRS256(noKid, set), noKid, `no "kid"`)

	// alg none and HS256 with the right kid, and crit.
	for _, hdr := range []string{`{"alg":"none","kid":"one"}`, `{"alg":"HS256","kid":"one"}`, `{"alg":"rs256","kid":"one"}`} {
		forged := b64(hdr) + "." + parts[1] + "." + parts[2]
		requireJWTError(t, VerifyRS256(forged, set), forged, `"alg" is not RS256`)
	}
	critTok, err := Sign(Header{Alg: AlgRS256, Kid: "one", Crit: []string{"exp"}}, claims, k1)
	require.NoError(t, err)
	requireJWTError(t, VerifyRS256(critTok, set), critTok, "crit")

	requireJWTError(t, VerifyRS256(tok, nil), tok, "no key set")
	failing := KeySetFunc(func(string) (*rsa.PublicKey, error) { return nil, errors.New("backend down: " + tok) })
	requireJWTError(t, VerifyRS256(tok, failing), tok, "no usable key")
	nilKey := KeySetFunc(func(string) (*rsa.PublicKey, error) { return nil, nil })
	requireJWTError(t, VerifyRS256(tok, nilKey), tok, "no usable key")
	requireJWTError(t, VerifyRS256("", set), "", "empty")
}

func TestSignErrors(t *testing.T) {
	k1, _ := keys(t)
	_, err := SignRS256([]int{1}, "k", k1)
	requireJWTError(t, err, "", "not a JSON object")
	_, err = SignRS256(map[string]any{"f": func() {}}, "k", k1)
	requireJWTError(t, err, "", "cannot be encoded")
	_, err = SignRS256(map[string]any{}, "k", nil)
	requireJWTError(t, err, "", "nil")
	_, err = Sign(Header{Alg: "HS256"}, map[string]any{}, k1)
	requireJWTError(t, err, "", "only RS256")
	_, err = SignRS256(map[string]string{"x": strings.Repeat("a", MaxTokenSize)}, "k", k1)
	requireJWTError(t, err, "", "larger than")
}

func TestJWKS(t *testing.T) {
	k1, _ := keys(t)
	good := JWKFromPublicKey("one", &k1.PublicKey)
	assert.Equal(t, "AQAB", good.E)
	assert.Equal(t, "RSA", good.Kty)
	assert.Equal(t, "sig", good.Use)
	pub, err := JWKS{Keys: []JWK{good}}.Key("one")
	require.NoError(t, err)
	assert.True(t, pub.Equal(&k1.PublicKey))

	_, err = JWKS{Keys: []JWK{good}}.Key("")
	requireJWTError(t, err, "", "no key id")

	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	mod := func(f func(*JWK)) JWK { k := good; f(&k); return k }
	tests := []struct {
		name    string
		key     JWK
		problem string
	}{
		{"ec", mod(func(k *JWK) { k.Kty = "EC" }), "not an RSA key"},
		{"enc", mod(func(k *JWK) { k.Use = "enc" }), "not a signing key"},
		{"alg", mod(func(k *JWK) { k.Alg = "RS512" }), "not for RS256"},
		{"n empty", mod(func(k *JWK) { k.N = "" }), "modulus"},
		{"n padded", mod(func(k *JWK) { k.N += "=" }), "modulus"},
		{"e empty", mod(func(k *JWK) { k.E = "" }), "exponent"},
		{"e long", mod(func(k *JWK) { k.E = b64("12345") }), "exponent"},
		{"e even", mod(func(k *JWK) { k.E = b64("\x01\x00") }), "exponent is not valid"},
		{"e one", mod(func(k *JWK) { k.E = b64("\x01") }), "exponent is not valid"},
		{"short", JWKFromPublicKey("one", &small.PublicKey), "shorter than 2048"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := JWKS{Keys: []JWK{tt.key}}.Key("one")
			requireJWTError(t, err, "", tt.problem)
		})
	}

	// A short key from a KeySetFunc is refused by the verifier too.
	tok, err := SignRS256(map[string]int{"a": 1}, "s", small)
	require.NoError(t, err)
	requireJWTError(t, VerifyRS256(tok, KeySetFunc(func(string) (*rsa.PublicKey, error) { return &small.PublicKey, nil })), tok, "shorter than 2048")
}

func TestThumbprint(t *testing.T) {
	// RFC 7638 section 3.1 example key and thumbprint.
	j := JWK{Kty: "RSA", Kid: "x", E: "AQAB",
		N: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}
	pub, err := j.PublicKey()
	require.NoError(t, err)
	assert.Equal(t, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", Thumbprint(pub))
}
