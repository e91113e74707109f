package calling_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/callwire"
)

var callwireParse = callwire.ParseRepeatability

// BenchmarkCreateCall compares creating a call to a Teams user through the
// client (azcore pipeline: telemetry, retry and logging policies, HMAC
// signing, repeatability headers, argument checks, identifier codec) with a
// hand-written net/http request that does the minimum the service needs
// (the same JSON body, HMAC signature and repeatability headers), against
// the same loopback server in the same run.
func BenchmarkCreateCall(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, benchResponse)
	}))
	defer srv.Close()
	target := identity.MicrosoftTeamsUserIdentifier{UserID: "8e9b4a2c-1f0d-4e55-9f3a-2b7c6d1e0f11"}
	ctx := context.Background()

	b.Run("client", func(b *testing.B) {
		c, err := calling.NewClientWithAccessKey(srv.URL, testKey, &calling.ClientOptions{
			ClientOptions: azcore.ClientOptions{InsecureAllowCredentialWithHTTP: true},
		})
		if err != nil {
			b.Fatal(err)
		}
		targets := []identity.Identifier{target}
		b.ReportAllocs()
		for b.Loop() {
			r, err := c.CreateCall(ctx, targets, "https://app.contoso.com/callback", nil)
			if err != nil || r.CallConnectionID == "" {
				b.Fatal(err)
			}
		}
	})

	b.Run("nethttp-hmac", func(b *testing.B) {
		hc := &http.Client{}
		u, _ := url.Parse(srv.URL + "/calling/callConnections?api-version=2026-03-12")
		b.ReportAllocs()
		for b.Loop() {
			id, err := plainCreateCall(ctx, hc, u, testKeyBytes, target.UserID, "https://app.contoso.com/callback")
			if err != nil || id == "" {
				b.Fatal(err)
			}
		}
	})
}

const benchResponse = `{"callConnectionId":"18dea47f-b081-4107-9a5c-4300819d2c6c","serverCallId":"aHR0cHM6Ly9jb252ZXJzYXRpb251cmwvdGVzdA","source":{"kind":"communicationUser","communicationUser":{"id":"8:acs:r_bot"}},"targets":[{"kind":"microsoftTeamsUser","rawId":"8:orgid:8e9b4a2c-1f0d-4e55-9f3a-2b7c6d1e0f11","microsoftTeamsUser":{"userId":"8e9b4a2c-1f0d-4e55-9f3a-2b7c6d1e0f11","isAnonymous":false,"cloud":"public"}}],"callConnectionState":"connecting","callbackUri":"https://app.contoso.com/callback"}`

// plainCreateCall is the hand-written alternative: one POST, signed and
// made repeatable by hand, its response read into a small struct.
func plainCreateCall(ctx context.Context, hc *http.Client, u *url.URL, key []byte, teamsUserID, callbackURL string) (string, error) {
	type teamsUser struct {
		UserID      string `json:"userId"`
		IsAnonymous bool   `json:"isAnonymous"`
		Cloud       string `json:"cloud"`
	}
	type target struct {
		Kind               string    `json:"kind"`
		RawID              string    `json:"rawId"`
		MicrosoftTeamsUser teamsUser `json:"microsoftTeamsUser"`
	}
	body, err := json.Marshal(struct {
		Targets     []target `json:"targets"`
		CallbackURI string   `json:"callbackUri"`
	}{
		Targets:     []target{{Kind: "microsoftTeamsUser", RawID: "8:orgid:" + teamsUserID, MicrosoftTeamsUser: teamsUser{UserID: teamsUserID, Cloud: "public"}}},
		CallbackURI: callbackURL,
	})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	now := time.Now().UTC().Format(http.TimeFormat)
	sum := sha256.Sum256(body)
	hash := base64.StdEncoding.EncodeToString(sum[:])
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "POST\n%s\n%s;%s;%s", u.RequestURI(), now, u.Host, hash)
	var id [16]byte
	_, _ = rand.Read(id[:])
	id[6], id[8] = id[6]&0x0f|0x40, id[8]&0x3f|0x80
	h := hex.EncodeToString(id[:])
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-ms-date", now)
	req.Header.Set("x-ms-content-sha256", hash)
	req.Header.Set("Authorization", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature="+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	req.Header.Set("Repeatability-Request-ID", h[0:8]+"-"+h[8:12]+"-"+h[12:16]+"-"+h[16:20]+"-"+h[20:])
	req.Header.Set("Repeatability-First-Sent", now)
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("status %d", resp.StatusCode)
	}
	var out struct {
		CallConnectionID string `json:"callConnectionId"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return out.CallConnectionID, nil
}

// TestPlainCreateCallIsValid keeps the benchmark's baseline honest: its
// request must be signed correctly and carry a valid repeatability pair.
func TestPlainCreateCallIsValid(t *testing.T) {
	rec := newRecorder(t)
	rec.queue(reply{status: 201, body: benchResponse})
	u, _ := url.Parse(rec.srv.URL + "/calling/callConnections?api-version=2026-03-12")
	id, err := plainCreateCall(context.Background(), http.DefaultClient, u, testKeyBytes, "u1", callback)
	if err != nil || id == "" {
		t.Fatal(err)
	}
	s := rec.last()
	if s.AuthErr != nil {
		t.Fatal(s.AuthErr)
	}
	if _, err := callwireParse(s.Header); err != nil {
		t.Fatal(err)
	}
}
