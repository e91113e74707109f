package teamsuser_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	callfake "github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/chat"
	chatfake "github.com/teamsuser-sdk/teamsuser-go/chat/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

const facadeAppID = "2c3e1e83-8fd7-4615-ad2b-b8c1229845ac"

// facade is Contoso's world, all fakes: Entra, ACS identity, Graph chat and
// the call switchboard.
type facade struct {
	entra       *fake.Entra
	acs         *fake.Service
	graph       *chatfake.Service
	sb          *callfake.Switchboard
	cfg         teamsuser.Config
	opts        *teamsuser.UserOptions
	adele, alex fake.TestUser
}

func newFacade(t *testing.T) *facade {
	t.Helper()
	f := &facade{entra: fake.NewEntra(nil)}
	tenant := f.entra.AddTenant("fabrikam")
	f.adele = f.entra.AddUser(tenant.ID, "Adele Vance")
	f.alex = f.entra.AddUser(tenant.ID, "Alex Wilber")
	f.acs = fake.New(&fake.Options{Entra: f.entra})
	f.graph = chatfake.New(&chatfake.Options{Entra: f.entra})
	t.Cleanup(func() { _ = f.graph.Close() })
	for _, u := range []fake.TestUser{f.adele, f.alex} {
		require.NoError(t, f.graph.ImportUser(chatfake.User{ID: u.ObjectID, TenantID: u.TenantID, DisplayName: u.DisplayName, UPN: u.UPN}))
	}
	gsrv := httptest.NewServer(f.graph.Handler())
	t.Cleanup(gsrv.Close)
	f.sb = callfake.New(nil)
	t.Cleanup(func() { _ = f.sb.Close() })
	f.sb.AddTeamsUser(f.adele.ObjectID, callfake.Answers())
	f.cfg = teamsuser.Config{AppID: facadeAppID, Exchanger: f.acs}
	f.opts = &teamsuser.UserOptions{
		Calling: f.sb,
		Chat:    &chat.ClientOptions{BaseURL: gsrv.URL + "/v1.0"},
	}
	return f
}

func TestUserActsAsTheTeamsUser(t *testing.T) {
	f := newFacade(t)
	ctx := context.Background()
	u, err := teamsuser.NewUser(f.cfg, f.entra.Credential(f.adele, facadeAppID, nil), f.adele.ObjectID, f.opts)
	require.NoError(t, err)
	defer u.Close()

	// The token for the calling client is the Teams user's.
	tok, err := u.ACSToken(ctx)
	require.NoError(t, err)
	claims, err := identity.ReadACSToken(tok.Token)
	require.NoError(t, err)
	require.Equal(t, "8:orgid:"+f.adele.ObjectID, claims.Identifier().RawID())
	require.Equal(t, u.ID().RawID(), claims.Identifier().RawID())

	// Chat goes through Graph as Adele.
	c, err := u.Chat().CreateOneOnOneChat(ctx, f.alex.ObjectID, nil)
	require.NoError(t, err)
	_, err = u.Chat().SendMessage(ctx, c.Chat.ID, chat.TextMessage("hello from the facade"), nil)
	require.NoError(t, err)
	msgs := f.graph.Messages(c.Chat.ID)
	require.Len(t, msgs, 1)
	require.Equal(t, f.adele.ObjectID, msgs[0].From.UserID)

	// The application calls the user.
	call, err := u.Call(ctx, "http://127.0.0.1:1/callbacks", nil)
	require.NoError(t, err)
	info, ok := f.sb.Call(call.CallConnectionID)
	require.True(t, ok)
	require.NotEmpty(t, info)

	// Close stops the credential.
	require.NoError(t, u.Close())
	_, err = u.ACSToken(ctx)
	require.ErrorIs(t, err, identity.ErrCredentialClosed)
}

func TestNewUserChecksArguments(t *testing.T) {
	f := newFacade(t)
	cred := f.entra.Credential(f.adele, facadeAppID, nil)
	newCred := func(tokenservice.Caller, string) (azcore.TokenCredential, error) { return cred, nil }
	for arg, err := range map[string]error{
		"cfg.AppID":     second(teamsuser.NewUser(teamsuser.Config{Exchanger: f.acs}, cred, f.adele.ObjectID, nil)),
		"cfg.Exchanger": second(teamsuser.NewUser(teamsuser.Config{AppID: facadeAppID}, cred, f.adele.ObjectID, nil)),
		"cred":          second(teamsuser.NewUser(f.cfg, nil, f.adele.ObjectID, nil)),
		"userID":        second(teamsuser.NewUser(f.cfg, cred, " ", nil)),
		"newCredential": second(teamsuser.NewUsers(f.cfg, nil, nil)),
		"cfg.AppID ":    second(teamsuser.NewUsers(teamsuser.Config{Exchanger: f.acs}, newCred, nil)),
	} {
		var ae *teamsuser.ArgumentError
		if assert.ErrorAs(t, err, &ae, arg) {
			assert.Equal(t, strings.TrimSpace(arg), ae.Arg)
			assert.True(t, strings.HasPrefix(err.Error(), "teamsuser: invalid "+ae.Arg+": "), err.Error())
		}
	}

	// Nil options are every default: a user without calling.
	u, err := teamsuser.NewUser(f.cfg, cred, f.adele.ObjectID, nil)
	require.NoError(t, err)
	defer u.Close()
	assert.Nil(t, u.Calling())
	us, err := teamsuser.NewUsers(f.cfg, newCred, nil)
	require.NoError(t, err)
	require.NoError(t, us.Close())
}

func second[T any](_ T, err error) error { return err }

func TestUsersCachesPerCallerBoundedAndExpiring(t *testing.T) {
	f := newFacade(t)
	ctx := context.Background()
	now := time.Now()
	clock := fake.NewClock(now)
	var built atomic.Int32
	us, err := teamsuser.NewUsers(f.cfg, func(c tokenservice.Caller, callerToken string) (azcore.TokenCredential, error) {
		built.Add(1)
		u, ok := f.entra.User(c.ObjectID)
		if !ok {
			return nil, errors.New("unknown user")
		}
		return f.entra.Credential(u, facadeAppID, nil), nil
	}, &teamsuser.UsersOptions{
		UserOptions: *f.opts,
		MaxUsers:    2,
		Clock:       clock,
	})
	require.NoError(t, err)
	defer us.Close()
	caller := func(u fake.TestUser, exp time.Time) tokenservice.Caller {
		return tokenservice.Caller{TenantID: u.TenantID, ObjectID: u.ObjectID, ExpiresOn: exp}
	}

	// Concurrent first requests of one caller build one user.
	var wg sync.WaitGroup
	got := make([]*teamsuser.User, 50)
	for i := range got {
		wg.Go(func() {
			u, err := us.Get(ctx, caller(f.adele, now.Add(time.Hour)), "caller-token")
			if err == nil {
				got[i] = u
			}
		})
	}
	wg.Wait()
	for _, u := range got {
		require.Same(t, got[0], u)
	}
	require.EqualValues(t, 1, built.Load())
	adele := got[0]
	_, err = adele.ACSToken(ctx)
	require.NoError(t, err)

	// A third user evicts the least recently used one, which is closed.
	alexU, err := us.Get(ctx, caller(f.alex, now.Add(time.Hour)), "caller-token")
	require.NoError(t, err)
	carol := f.entra.AddUser(f.alex.TenantID, "Carol")
	_, err = us.Get(ctx, caller(carol, now.Add(time.Hour)), "caller-token")
	require.NoError(t, err)
	require.Equal(t, 2, us.Len())
	_, err = adele.ACSToken(ctx)
	require.ErrorIs(t, err, identity.ErrCredentialClosed, "the evicted user was closed")
	again, err := us.Get(ctx, caller(f.alex, now.Add(time.Hour)), "caller-token")
	require.NoError(t, err)
	require.Same(t, alexU, again)

	// When the caller's token expires, the user goes with it.
	clock.Set(now.Add(2 * time.Hour))
	_, err = us.Get(ctx, caller(f.alex, now.Add(time.Hour)), "caller-token")
	require.ErrorIs(t, err, teamsuser.ErrCallerExpired)
	fresh, err := us.Get(ctx, caller(f.alex, now.Add(3*time.Hour)), "new-caller-token")
	require.NoError(t, err)
	require.NotSame(t, alexU, fresh)
	require.Equal(t, 1, us.Len(), "expired users were dropped")
	_, err = alexU.ACSToken(ctx)
	require.ErrorIs(t, err, identity.ErrCredentialClosed)

	var ae *teamsuser.ArgumentError
	_, err = us.Get(ctx, tokenservice.Caller{}, "t")
	require.ErrorAs(t, err, &ae)
	_, err = us.Get(ctx, caller(f.alex, now.Add(3*time.Hour)), "")
	require.ErrorAs(t, err, &ae)
}

// The users' cloud is configuration, in Config.Cloud: a GCC High or DoD
// user is named 8:gcch: or 8:dod: (Learn: ACS identifiers), and calls to
// them go to that identity; the public cloud is the default. Issue 14 §22.
func TestConfigCloudNamesTheUsers(t *testing.T) {
	f := newFacade(t)
	ctx := context.Background()
	for _, tc := range []struct {
		cloud identity.CloudEnvironment
		raw   string
	}{{"", "8:orgid:"}, {identity.CloudPublic, "8:orgid:"}, {identity.CloudGCCH, "8:gcch:"}, {identity.CloudDoD, "8:dod:"}} {
		cfg := f.cfg
		cfg.Cloud = tc.cloud
		u, err := teamsuser.NewUser(cfg, f.entra.Credential(f.adele, facadeAppID, nil), f.adele.ObjectID, f.opts)
		require.NoError(t, err)
		require.Equal(t, tc.raw+f.adele.ObjectID, u.ID().RawID(), "cloud %q", tc.cloud)
		f.sb.AddParty(u.ID(), callfake.Answers())
		call, err := u.Call(ctx, "http://127.0.0.1:1/callbacks", nil)
		require.NoError(t, err)
		require.Len(t, call.Targets, 1)
		require.Equal(t, tc.raw+f.adele.ObjectID, call.Targets[0].RawID())
		require.NoError(t, u.Close())

		us, err := teamsuser.NewUsers(cfg, func(tokenservice.Caller, string) (azcore.TokenCredential, error) {
			return f.entra.Credential(f.adele, facadeAppID, nil), nil
		}, nil)
		require.NoError(t, err)
		got, err := us.Get(ctx, tokenservice.Caller{TenantID: f.adele.TenantID, ObjectID: f.adele.ObjectID}, "caller-token")
		require.NoError(t, err)
		require.Equal(t, tc.raw+f.adele.ObjectID, got.ID().RawID())
		require.NoError(t, us.Close())
	}
	cfg := f.cfg
	cfg.Cloud = "mooncake"
	_, err := teamsuser.NewUser(cfg, f.entra.Credential(f.adele, facadeAppID, nil), f.adele.ObjectID, f.opts)
	var ae *teamsuser.ArgumentError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, "cfg.Cloud", ae.Arg)
}
