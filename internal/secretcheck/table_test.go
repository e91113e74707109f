package secretcheck_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/callbacktest"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	idfake "github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// secretCase is a value of a type that holds a secret, with real secrets
// inside.
type secretCase struct {
	value   any
	secrets []string
	// wire: the type's JSON is a wire format that must carry the secret
	// (documented on the type), so encoding/json shows it, and with it
	// log/slog's JSON handler when a value of it sits inside a slice, a map
	// or a struct field. Everything else (fmt, slog's text handler, slog's
	// JSON handler at the top of an attribute) is redacted.
	wire bool
}

// typeKey is "import/path.Name" of t, or of what it points to.
func typeKey(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath() + "." + t.Name()
}

const (
	appID            = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"
	linkPasscode     = "Lk7pQ2xW9zRt"
	meetingPasscode  = "Mp4vN8cY2bQe"
	clientState      = "cs-3f9a0c1e7b2d4a6f8e0c2b4d6f8a0c1e"
	eventGridSecret  = "eg-7d2c9f1b3a5e4c6d8f0a2b4c6e8f0a1b"
	incomingCallCtxt = "icc.eyJjYWxsIjoiYWJjIn0.c2lnbmF0dXJlLW9mLXRoZS1jb250ZXh0"
)

// cases returns one value of each type that holds a secret, keyed by
// typeKey. The stateful ones (credentials, handlers, managers) are built
// through their constructors and made to hold their secrets for real.
func cases(t *testing.T) map[string]secretCase {
	t.Helper()
	ctx := context.Background()
	link := "https://teams.microsoft.com/meet/2345678901234?p=" + linkPasscode
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

	// Identity: a real Entra token and real ACS tokens from the fakes.
	entra := idfake.NewEntra(nil)
	tenant := entra.AddTenant("fabrikam")
	user := entra.AddUser(tenant.ID, "Adele Vance")
	acs := idfake.New(&idfake.Options{Entra: entra})
	entraTok, _, err := entra.TeamsUserToken(user, appID)
	require.NoError(t, err)
	created, err := acs.CreateUser(ctx, &identity.CreateUserOptions{TokenScopes: []identity.Scope{identity.ScopeChat}})
	require.NoError(t, err)
	acsTok := *created.Token
	issued, err := acs.IssueToken(ctx, created.User, []identity.Scope{identity.ScopeVoIP}, nil)
	require.NoError(t, err)
	exchanged, err := acs.ExchangeTeamsUserToken(ctx, identity.TeamsUserTokenRequest{Token: entraTok, AppID: appID, UserID: user.ObjectID}, nil)
	require.NoError(t, err)
	_, err = acs.CreateOrReplaceTeamsExtensionAssignment(ctx, identity.TeamsExtensionAssignment{TenantID: tenant.ID, ObjectID: user.ObjectID,
		PrincipalType: identity.TeamsExtensionPrincipalUser, ClientIDs: []string{appID}}, nil)
	require.NoError(t, err)
	phoneTok, _, err := entra.TeamsUserToken(user, appID, idfake.WithScopes(identity.TeamsExtensionManageCalls))
	require.NoError(t, err)
	phoneExchanged, err := acs.ExchangeTeamsPhoneToken(ctx, phoneTok, nil)
	require.NoError(t, err)

	teamsCred, err := identity.NewTeamsUserCredential(acs, staticEntra(entraTok), appID, user.ObjectID, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = teamsCred.Close() })
	teamsTok, err := teamsCred.Token(ctx)
	require.NoError(t, err)

	refreshing, err := identity.NewRefreshingTokenCredential(func(context.Context) (identity.AccessToken, error) { return issued.AccessToken, nil },
		&identity.RefreshingTokenCredentialOptions{InitialToken: acsTok})
	require.NoError(t, err)
	t.Cleanup(func() { _ = refreshing.Close() })
	static, err := identity.NewStaticTokenCredential(issued.Token)
	require.NoError(t, err)
	t.Cleanup(func() { _ = static.Close() })
	_, err = static.Token(ctx)
	require.NoError(t, err)

	tuCfg := teamsuser.Config{AppID: appID, Exchanger: acs}
	tu, err := teamsuser.NewUser(tuCfg, staticEntra(entraTok), user.ObjectID, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tu.Close() })
	tuTok, err := tu.ACSToken(ctx)
	require.NoError(t, err)
	tus, err := teamsuser.NewUsers(tuCfg, func(tokenservice.Caller, string) (azcore.TokenCredential, error) {
		return staticEntra(entraTok), nil
	}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tus.Close() })
	tusUser, err := tus.Get(ctx, tokenservice.Caller{TenantID: tenant.ID, ObjectID: user.ObjectID, ExpiresOn: time.Now().Add(time.Hour)}, "a-caller-token")
	require.NoError(t, err)
	tusTok, err := tusUser.ACSToken(ctx)
	require.NoError(t, err)

	meetingInfo := chat.MeetingInfo{JoinURL: link, OrganizerID: user.ObjectID, OrganizerTenantID: tenant.ID}
	chatValue := chat.Chat{ID: "19:meeting_abc@thread.v2", Type: chat.ChatType("meeting"), Topic: "Standup", OnlineMeeting: meetingInfo}
	meeting := chat.OnlineMeeting{
		ID: "MSpkYzE3", Subject: "Standup", JoinURL: link, ChatID: chatValue.ID, StartAt: exp, EndAt: exp.Add(time.Hour),
		JoinMeetingID: "2345678901234", Passcode: chat.Passcode(meetingPasscode), IsPasscodeRequired: true,
	}
	meetingSecrets := []string{linkPasscode, meetingPasscode}

	// Calling.
	byLink := calling.MeetingLocator{Kind: calling.MeetingByLink, JoinURL: link, Host: "teams.microsoft.com"}
	byID := calling.MeetingLocator{Kind: calling.MeetingByID, MeetingID: "2345678901234", Passcode: meetingPasscode}
	iss := callbacktest.NewIssuer("6e1c6f4c-0000-4000-8000-acs000000001", nil)
	hopts := iss.HandlerOptions()
	hopts.EventGridSecret = eventGridSecret
	hopts.Synchronous = true
	handler, err := calling.NewCallbackHandler(iss.Audience(), hopts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = handler.Close() })

	tokSecrets := func(toks ...identity.AccessToken) []string {
		var s []string
		for _, tk := range toks {
			s = append(s, tk.Token)
		}
		return s
	}
	all := []secretCase{
		{value: acsTok, secrets: tokSecrets(acsTok)},
		{value: created, secrets: tokSecrets(acsTok)},
		{value: issued, secrets: tokSecrets(issued.AccessToken)},
		{value: exchanged, secrets: tokSecrets(exchanged.AccessToken)},
		{value: phoneExchanged, secrets: tokSecrets(phoneExchanged.Token)},
		{value: identity.RefreshingTokenCredentialOptions{InitialToken: acsTok}, secrets: tokSecrets(acsTok)},
		{value: identity.TeamsUserTokenRequest{Token: entraTok, AppID: appID, UserID: user.ObjectID}, secrets: []string{entraTok}},
		{value: teamsCred, secrets: append(tokSecrets(teamsTok), entraTok)},
		{value: refreshing, secrets: tokSecrets(acsTok, issued.AccessToken)},
		{value: static, secrets: tokSecrets(issued.AccessToken)},

		{value: chat.Passcode(meetingPasscode), secrets: []string{meetingPasscode}},
		{value: meetingInfo, secrets: []string{linkPasscode}},
		{value: chatValue, secrets: []string{linkPasscode}},
		{value: chat.ListChatsPageResponse{Chats: []chat.Chat{chatValue}}, secrets: []string{linkPasscode}},
		{value: chat.GetChatResponse{Chat: chatValue}, secrets: []string{linkPasscode}},
		{value: chat.CreateOneOnOneChatResponse{Chat: chatValue}, secrets: []string{linkPasscode}},
		{value: chat.CreateGroupChatResponse{Chat: chatValue}, secrets: []string{linkPasscode}},
		{value: chat.FindMeetingChatResponse{Chat: chatValue}, secrets: []string{linkPasscode}},
		{value: chat.RenameChatResponse{Chat: chatValue}, secrets: []string{linkPasscode}},
		{value: meeting, secrets: meetingSecrets},
		{value: chat.GetOnlineMeetingResponse{Meeting: meeting}, secrets: meetingSecrets},
		{value: chat.GetOnlineMeetingByJoinURLResponse{Meeting: meeting}, secrets: meetingSecrets},
		{value: chat.GetOnlineMeetingByJoinMeetingIDResponse{Meeting: meeting}, secrets: meetingSecrets},
		{value: chat.CreateOnlineMeetingResponse{Meeting: meeting}, secrets: meetingSecrets},
		{value: chat.UpdateOnlineMeetingResponse{Meeting: meeting}, secrets: meetingSecrets},
		{value: chat.CreateOrGetOnlineMeetingResponse{Meeting: meeting, Created: true}, secrets: meetingSecrets},
		{value: chat.OneClientState(clientState), secrets: []string{clientState}},

		{value: byLink, secrets: []string{linkPasscode}},
		{value: byID, secrets: []string{meetingPasscode}},
		{value: byID.ClientLocator(), secrets: []string{meetingPasscode}, wire: true},
		{value: calling.IncomingCall{
			EventInfo: calling.EventInfo{ID: "ev-1", ServerCallID: "sc-1"}, From: identity.PhoneNumberIdentifier{PhoneNumber: "+14255550123"},
			To: identity.MicrosoftTeamsUserIdentifier{UserID: user.ObjectID}, IncomingCallContext: incomingCallCtxt,
		}, secrets: []string{incomingCallCtxt}},
		{value: calling.CallbackHandlerOptions{EventGridSecret: eventGridSecret, Workers: 2}, secrets: []string{eventGridSecret}},
		{value: handler, secrets: []string{eventGridSecret}},

		{value: teamsuser.Meeting{Meeting: meeting, ChatID: meeting.ChatID, Locator: byLink}, secrets: meetingSecrets},
		{value: tokenservice.Response{Token: acsTok.Token, ExpiresOn: acsTok.ExpiresOn}, secrets: tokSecrets(acsTok)},
		{value: identity.TokenKey{ID: "key-2026-03", Key: []byte("TokenKey0f32BytesForAES256GCM!!!")}, secrets: []string{"TokenKey0f32BytesForAES256GCM!!!"}},
		{value: tu, secrets: append(tokSecrets(tuTok), entraTok)},
		{value: tus, secrets: append(tokSecrets(tusTok), entraTok)},
	}
	out := map[string]secretCase{}
	for _, c := range all {
		k := typeKey(reflect.TypeOf(c.value))
		if _, dup := out[k]; dup {
			k += "#2"
		}
		out[k] = c
	}
	return out
}

// staticEntra is an Entra credential that always answers one token.
type staticEntra string

func (s staticEntra) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(s), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// verbs are the fmt directives every value is printed with.
var verbs = []string{
	"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%o", "%O", "%b", "%c", "%U",
	"%e", "%E", "%f", "%g", "%t", "%p", "%T", "%10.3v", "%-40s", "% x", "%#x", "%+q", "%#q", "%08d",
}

// leakForms are the forms a secret can take in output: itself, hex (%x of
// a string or byte slice), base64 (encoding/json of a byte slice) and the
// decimal bytes fmt prints for a byte slice.
func leakForms(secret string) []string {
	dec := strings.Trim(fmt.Sprint([]byte(secret)), "[]")
	return []string{
		secret, hex.EncodeToString([]byte(secret)), strings.ToUpper(hex.EncodeToString([]byte(secret))),
		base64.StdEncoding.EncodeToString([]byte(secret)), base64.RawURLEncoding.EncodeToString([]byte(secret)), dec,
	}
}

// wrappings are the ways a value reaches a printer: as is, through a
// pointer, as a slice element, a map value and an exported struct field.
func wrappings(v any) map[string]reflect.Value {
	rv := reflect.ValueOf(v)
	t := rv.Type()
	ptr := reflect.New(t)
	ptr.Elem().Set(rv)
	slice := reflect.MakeSlice(reflect.SliceOf(t), 1, 1)
	slice.Index(0).Set(rv)
	m := reflect.MakeMap(reflect.MapOf(reflect.TypeOf(""), t))
	m.SetMapIndex(reflect.ValueOf("k"), rv)
	field := reflect.New(reflect.StructOf([]reflect.StructField{{Name: "Field", Type: t}})).Elem()
	field.Field(0).Set(rv)
	w := map[string]reflect.Value{"value": rv, "slice": slice, "map": m, "field": field}
	if t.Kind() != reflect.Pointer {
		w["pointer"] = ptr
	}
	return w
}

func isReference(k reflect.Kind) bool {
	return k == reflect.Pointer || k == reflect.Slice || k == reflect.Map
}

// TestSecretsNeverPrint prints every value of the table with every fmt verb,
// through log/slog's text and JSON handlers and through encoding/json, as
// is and inside a pointer, a slice, a map and a struct field, and checks
// that no secret shows, in any of the forms it could take, and that the
// redaction marker does.
func TestSecretsNeverPrint(t *testing.T) {
	for name, c := range cases(t) {
		t.Run(name, func(t *testing.T) {
			require.NotEmpty(t, c.secrets)
			for _, s := range c.secrets {
				require.GreaterOrEqual(t, len(s), 10, "a secret long enough not to show by chance")
			}
			check := func(how, out string, wantMarker bool) {
				t.Helper()
				for _, s := range c.secrets {
					for _, form := range leakForms(s) {
						if strings.Contains(out, form) {
							t.Errorf("%s shows a secret: %s", how, out)
							return
						}
					}
				}
				if wantMarker && !strings.Contains(strings.ToLower(out), "redacted") {
					t.Errorf("%s shows no redaction marker: %s", how, out)
				}
			}
			for wname, w := range wrappings(c.value) {
				v := w.Interface()
				for _, verb := range verbs {
					if verb == "%p" && !isReference(w.Kind()) {
						// %p of a struct is a mistake go vet reports; fmt then
						// prints its fields raw and calls no method (not even a
						// field's Format), which no type can prevent.
						continue
					}
					check(wname+" "+verb, fmt.Sprintf(verb, v), verb != "%p" && verb != "%T")
				}
				nested := wname != "value" && wname != "pointer"
				var text, js bytes.Buffer
				slog.New(slog.NewTextHandler(&text, nil)).Info("m", "x", v)
				check(wname+" slog text", text.String(), true)
				slog.New(slog.NewJSONHandler(&js, nil)).Info("m", slog.Any("x", v))
				b, err := json.Marshal(v)
				require.NoError(t, err)
				if c.wire && nested {
					// Documented: the JSON is the wire format and carries the secret.
					require.Contains(t, js.String(), c.secrets[0], wname+" slog JSON of a wire type")
					continue
				}
				check(wname+" slog JSON", js.String(), true)
				if c.wire {
					require.Contains(t, string(b), c.secrets[0], wname+" encoding/json of a wire type")
					continue
				}
				check(wname+" encoding/json", string(b), true)
			}
		})
	}
}
