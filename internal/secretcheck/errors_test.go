package secretcheck_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/callbacktest"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// TestErrorsNeverShowSecrets feeds every function that takes a secret a bad
// one (a token that is no JWT or whose parts are wrong, an access key that
// is no base64, a passcode or client state with a bad character or too
// long, a wrong Event Grid secret) and checks that the error, and the
// answer of a handler, show neither it nor a long part of it.
func TestErrorsNeverShowSecrets(t *testing.T) {
	const secret = "S3cr3tValue0f32CharactersXyZ1234"
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	jwtWith := func(payload string) string {
		return b64(`{"alg":"RS256","typ":"JWT"}`) + "." + b64(payload) + "." + b64(secret)
	}
	tokens := []string{
		"not-a-jwt-" + secret,
		secret + "." + secret + "." + secret,
		jwtWith(`{"exp":"` + secret + `"}`),
		jwtWith(`{"oid":1,"tid":"` + secret + `"`),
		jwtWith(`{"exp":1,"aud":"https://auth.msft.communication.azure.com","appid":"x","oid":"y","scp":"Teams.ManageCalls"}`),
		jwtWith(`{"skypeid":"` + secret + `","scp":1,"exp":1}`),
	}
	type result struct {
		what    string
		err     error
		secrets []string
	}
	var results []result
	add := func(what string, err error, secrets ...string) {
		results = append(results, result{what, err, secrets})
	}
	now := time.Unix(1_700_000_000, 0)
	for _, tok := range tokens {
		_, err := identity.ReadEntraToken(tok)
		add("ReadEntraToken", err, tok)
		_, err = identity.CheckTeamsUserToken(tok, appID, "4b3c9f2e-0000-4000-8000-000000000001", now)
		add("CheckTeamsUserToken", err, tok)
		_, err = identity.ReadACSToken(tok)
		add("ReadACSToken", err, tok)
		_, err = identity.NewStaticTokenCredential(tok)
		add("NewStaticTokenCredential", err, tok)
		add("TeamsUserTokenRequest.Validate", identity.TeamsUserTokenRequest{Token: tok}.Validate(), tok)
	}

	badKeys := []string{"!" + secret, secret + "=", base64.StdEncoding.EncodeToString([]byte(secret))[:20] + "%"}
	for _, key := range badKeys {
		for _, cs := range []string{
			"endpoint=https://contoso.communication.azure.com/;accesskey=" + key,
			"endpoint=ftp://contoso.communication.azure.com/;accesskey=" + base64.StdEncoding.EncodeToString([]byte(secret)),
			"accesskey=" + key,
			"endpoint=https://contoso.communication.azure.com/;accesskey=" + key + ";accesskey=" + key,
		} {
			_, err := identity.NewClientFromConnectionString(cs, nil)
			add("identity.NewClientFromConnectionString", err, cs, key, secret)
			_, err = calling.NewClientFromConnectionString(cs, nil)
			add("calling.NewClientFromConnectionString", err, cs, key, secret)
		}
		_, err := identity.NewClientWithAccessKey("https://contoso.communication.azure.com", key, nil)
		add("identity.NewClientWithAccessKey", err, key, secret)
		_, err = calling.NewClientWithAccessKey("https://contoso.communication.azure.com", key, nil)
		add("calling.NewClientWithAccessKey", err, key, secret)
	}

	for _, link := range []string{
		"https://teams.microsoft.com/meet/2345678901234?p=" + secret + "$",
		"https://teams.microsoft.com/meet/2345678901234?p=" + secret + "&p=" + secret,
		"https://teams.microsoft.com/meet/23?p=" + secret,
		"https://evil.example/meet/2345678901234?p=" + secret,
		"http://teams.microsoft.com/meet/2345678901234?p=" + secret,
		"https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0?context=" + secret + "&p=" + secret,
	} {
		_, err := calling.ParseJoinLink(link)
		add("ParseJoinLink", err, secret)
	}
	_, err := calling.MeetingIDLocator("2345678901234", secret+"!")
	add("MeetingIDLocator", err, secret)
	_, err = calling.MeetingIDLocator("2345678901234", strings.Repeat(secret, 3))
	add("MeetingIDLocator", err, secret)

	for _, cs := range []string{secret + " x", strings.Repeat(secret, 5), secret + "\x00"} {
		_, err := chat.NewNotificationHandler(chat.OneClientState(cs), nil)
		add("NewNotificationHandler", err, secret)
		c, err := chat.NewClient(staticEntra("graph-token"), &chat.ClientOptions{BaseURL: "http://127.0.0.1:1/v1.0"})
		require.NoError(t, err)
		_, err = c.CreateSubscription(context.Background(), chat.ChatMessagesResource("19:x@thread.v2"), "https://hooks.example/h", cs, nil)
		add("CreateSubscription", err, secret)
	}

	// A delivery with a wrong Event Grid secret: neither secret in what
	// OnError gets nor in the answer.
	var mu sync.Mutex
	var handlerErrs []error
	iss := callbacktest.NewIssuer("6e1c6f4c-0000-4000-8000-acs000000001", nil)
	opts := iss.HandlerOptions()
	opts.EventGridSecret = eventGridSecret
	opts.Synchronous = true
	opts.OnError = func(err error) { mu.Lock(); handlerErrs = append(handlerErrs, err); mu.Unlock() }
	h, err := calling.NewCallbackHandler(iss.Audience(), opts)
	require.NoError(t, err)
	defer h.Close()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/cb?secret="+secret, strings.NewReader("[]")))
	require.Equal(t, http.StatusUnauthorized, w.Code)
	add("CallbackHandler answer", errors.New(w.Body.String()), secret, eventGridSecret)
	mu.Lock()
	require.NotEmpty(t, handlerErrs)
	for _, e := range handlerErrs {
		add("CallbackHandler OnError", e, secret, eventGridSecret)
	}
	mu.Unlock()

	failed := 0
	for _, r := range results {
		if r.err == nil {
			continue // a token that reads well enough
		}
		failed++
		msg := r.err.Error()
		for _, s := range r.secrets {
			for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == ';' || r == '=' }) {
				if len(part) >= 12 && strings.Contains(msg, part) {
					t.Errorf("%s: the error shows a secret: %s", r.what, msg)
				}
			}
			if strings.Contains(msg, secret[:12]) {
				t.Errorf("%s: the error shows a secret: %s", r.what, msg)
			}
		}
	}
	require.Greater(t, failed, len(results)*3/4, "most inputs fail")
}
