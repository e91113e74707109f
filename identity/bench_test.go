package identity_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// handExchange is the plain alternative the benchmarks compare the client
// with: the exchange written by hand on net/http and crypto/hmac, as a Go
// developer without this SDK would write it.
func handExchange(ctx context.Context, hc *http.Client, endpoint, accessKey string, r identity.TeamsUserTokenRequest) error {
	body, err := json.Marshal(map[string]string{"token": r.Token, "appId": r.AppID, "userId": r.UserID})
	if err != nil {
		return err
	}
	resp, err := handSigned(ctx, hc, http.MethodPost, endpoint, accessKey, "/teamsUser/:exchangeAccessToken", body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	var out struct {
		Token     string    `json:"token"`
		ExpiresOn time.Time `json:"expiresOn"`
	}
	return json.NewDecoder(resp.Body).Decode(&out)
}

// handSigned sends body to path with the HMAC-SHA256 signature written by
// hand from the documented string-to-sign, independent of internal/hmacauth.
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
	req.Header.Set("x-ms-date", date)
	req.Header.Set("x-ms-content-sha256", hash)
	req.Header.Set("Authorization", "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature="+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	return hc.Do(req)
}
