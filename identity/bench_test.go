package identity_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity/identitytest"
	"github.com/teamsuser-sdk/teamsuser-go/internal/benchcpu"
)

// BenchmarkExchange compares the client with a hand-written net/http +
// HMAC exchange in the same run, against two loopback servers: the fake's
// HTTP face (which verifies the signature and the Entra token and mints an
// RS256 ACS token: server work dominates), and a canned server that answers
// at once (what remains is client overhead).
//
// Both sides do the same work: they check the Entra token's claims before
// sending (audience, both Teams scopes, app and user, times), send the same
// JSON with an HMAC signature, an x-ms-client-request-id and a 10 s bound on
// the request, check the status and decode the token and its expiry. The
// client also runs its pipeline: retry rules, logging (off), tracing (no
// provider), User-Agent. Each reports its process CPU time per exchange
// beside wall time (the server's side included, the same for both).
func BenchmarkExchange(b *testing.B) {
	entra := fake.NewEntra(nil)
	user := entra.AddUser(entra.AddTenant("fabrikam").ID, "Adele Vance")
	acs := fake.New(&fake.Options{Entra: entra, DisableRateLimits: true})
	entraTok, _, err := entra.TeamsUserToken(user, contosoAppID)
	require.NoError(b, err)
	req := identity.TeamsUserTokenRequest{Token: entraTok, AppID: contosoAppID, UserID: user.ObjectID}
	ctx := context.Background()

	canned := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"token":"eyJhbGciOiJSUzI1NiJ9.e30.c2ln","expiresOn":"2026-11-23T10:00:00.1234567+00:00"}`))
	})
	for _, server := range []struct {
		name string
		h    http.Handler
	}{{"fake", acs.Handler()}, {"canned", canned}} {
		srv := httptest.NewServer(server.h)
		c, err := identity.NewClientFromConnectionString(acs.ConnectionString(srv.URL), withHTTP(nil))
		require.NoError(b, err)
		b.Run(server.name+"/client", func(b *testing.B) {
			b.ReportAllocs()
			cpu := benchcpu.Start()
			for b.Loop() {
				if _, err := c.ExchangeTeamsUserToken(ctx, req, nil); err != nil {
					b.Fatal(err)
				}
			}
			cpu.Report(b, 1, "op")
		})
		b.Run(server.name+"/nethttp", func(b *testing.B) {
			hc := &http.Client{Timeout: identity.DefaultTryTimeout}
			key := acs.AccessKey()
			b.ReportAllocs()
			cpu := benchcpu.Start()
			for b.Loop() {
				if _, err := handExchange(ctx, hc, srv.URL, key, req); err != nil {
					b.Fatal(err)
				}
			}
			cpu.Report(b, 1, "op")
		})
		srv.Close()
	}
}

// The hand-written exchange does the work the client does: it refuses the
// tokens the client refuses before sending, sends the same request and
// reads the same answer.
func TestHandExchange(t *testing.T) {
	w := newWorld(t)
	srv := httptest.NewServer(w.acs.Handler())
	defer srv.Close()
	good := identity.TeamsUserTokenRequest{Token: w.token(t, identitytest.Valid), AppID: w.appID, UserID: w.user.ObjectID}
	got, err := handExchange(context.Background(), http.DefaultClient, srv.URL, w.acs.AccessKey(), good)
	require.NoError(t, err)
	require.NotEmpty(t, got.Token)
	_, err = identity.ReadACSToken(got.Token)
	require.NoError(t, err)
	require.False(t, got.ExpiresOn.IsZero())

	bad := []identity.TeamsUserTokenRequest{
		{Token: good.Token, AppID: otherAppID, UserID: good.UserID},
		{Token: good.Token, AppID: good.AppID, UserID: w.other.ObjectID},
		{Token: "not.a.jwt", AppID: good.AppID, UserID: good.UserID},
	}
	for _, v := range []identitytest.Variant{identitytest.Expired, identitytest.WrongAudience, identitytest.MissingScope} {
		bad = append(bad, identity.TeamsUserTokenRequest{Token: w.token(t, v), AppID: good.AppID, UserID: good.UserID})
	}
	for _, r := range bad {
		_, clientErr := identity.CheckTeamsUserToken(r.Token, r.AppID, r.UserID, time.Now())
		require.Error(t, clientErr)
		_, err := handExchange(context.Background(), http.DefaultClient, "http://127.0.0.1:1", w.acs.AccessKey(), r)
		require.ErrorIs(t, err, errHandClaims)
	}
}

var errHandClaims = errors.New("the token cannot be exchanged")

// handClaims is the check of an Entra token's claims that a Go developer
// without this SDK would write: the payload decoded into a struct, the
// audience, scopes, app, user and times compared with what the exchange
// needs.
func handClaims(token, appID, userID string, now time.Time) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errHandClaims
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return errHandClaims
	}
	var c struct {
		Aud   string  `json:"aud"`
		Scp   string  `json:"scp"`
		AppID string  `json:"appid"`
		Azp   string  `json:"azp"`
		Oid   string  `json:"oid"`
		Ver   string  `json:"ver"`
		Exp   float64 `json:"exp"`
		Nbf   float64 `json:"nbf"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return errHandClaims
	}
	app := c.AppID
	if c.Ver == "2.0" {
		app = c.Azp
	}
	scopes := strings.Fields(c.Scp)
	skew := float64(identity.TokenClockSkew / time.Second)
	t := float64(now.Unix())
	switch {
	case c.Aud != identity.TeamsAudience && !strings.EqualFold(c.Aud, identity.TeamsAudienceAppID),
		!slices.Contains(scopes, identity.TeamsManageCalls) || !slices.Contains(scopes, identity.TeamsManageChats),
		!strings.EqualFold(app, appID), !strings.EqualFold(c.Oid, userID),
		c.Exp == 0 || t >= c.Exp+skew, c.Nbf != 0 && t+skew < c.Nbf:
		return errHandClaims
	}
	return nil
}

// handExchange is the plain alternative the benchmarks compare the client
// with: the exchange written by hand on net/http and crypto/hmac, as a Go
// developer without this SDK would write it.
func handExchange(ctx context.Context, hc *http.Client, endpoint, accessKey string, r identity.TeamsUserTokenRequest) (identity.AccessToken, error) {
	if err := handClaims(r.Token, r.AppID, r.UserID, time.Now()); err != nil {
		return identity.AccessToken{}, err
	}
	body, err := json.Marshal(struct {
		Token  string `json:"token"`
		AppID  string `json:"appId"`
		UserID string `json:"userId"`
	}{r.Token, r.AppID, r.UserID})
	if err != nil {
		return identity.AccessToken{}, err
	}
	resp, err := handSigned(ctx, hc, http.MethodPost, endpoint, accessKey, "/teamsUser/:exchangeAccessToken", body)
	if err != nil {
		return identity.AccessToken{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return identity.AccessToken{}, fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	var out struct {
		Token     string    `json:"token"`
		ExpiresOn time.Time `json:"expiresOn"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return identity.AccessToken{}, err
	}
	return identity.AccessToken{Token: out.Token, ExpiresOn: out.ExpiresOn}, nil
}

// handSigned sends body to path with the HMAC-SHA256 signature written by
// hand from the documented string-to-sign, independent of internal/hmacauth,
// and a new x-ms-client-request-id (a UUID v4).
func handSigned(ctx context.Context, hc *http.Client, method, endpoint, accessKey, path string, body []byte) (*http.Response, error) {
	u, err := url.Parse(endpoint + path + "?api-version=2025-06-30")
	if err != nil {
		return nil, err
	}
	key, err := base64.StdEncoding.DecodeString(accessKey)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	hash := base64.StdEncoding.EncodeToString(sum[:])
	date := time.Now().UTC().Format(http.TimeFormat)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(method + "\n" + u.RequestURI() + "\n" + date + ";" + u.Host + ";" + hash))
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("x-ms-client-request-id", handUUID())
	req.Header.Set("x-ms-date", date)
	req.Header.Set("x-ms-content-sha256", hash)
	req.Header.Set("Authorization", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature="+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return hc.Do(req)
}

// handUUID is a UUID v4 from crypto/rand (RFC 9562 section 5.4).
func handUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:])
}
