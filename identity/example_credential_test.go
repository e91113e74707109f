package identity_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/identity/fake"
)

// entraStub stands in for an azidentity credential that holds a Teams
// user's sign-in (for example azidentity.NewOnBehalfOfCredentialWithSecret).
type entraStub struct{ now func() time.Time }

func (e entraStub) GetToken(_ context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	now := e.now()
	return azcore.AccessToken{Token: "entra-access-token-" + now.Format(time.TimeOnly), ExpiresOn: now.Add(time.Hour)}, nil
}

// exchangeStub stands in for the ACS identity client (or identity/fake's
// service), which exchanges the Entra token.
type exchangeStub struct {
	now   func() time.Time
	calls int
}

func (x *exchangeStub) ExchangeTeamsUserToken(_ context.Context, req identity.TeamsUserTokenRequest, _ *identity.ExchangeTeamsUserTokenOptions) (identity.ExchangeTeamsUserTokenResponse, error) {
	x.calls++
	return identity.ExchangeTeamsUserTokenResponse{AccessToken: identity.AccessToken{
		Token:     fmt.Sprintf("acs-token-%d", x.calls),
		ExpiresOn: x.now().Add(time.Hour),
	}}, nil
}

func ExampleNewTeamsUserCredential() {
	// The exchanger would be an *identity.Client; entra the user's azidentity credential.
	ex := &exchangeStub{now: time.Now}
	cred, err := identity.NewTeamsUserCredential(ex, entraStub{now: time.Now},
		"8e0a1f3c-5b7d-4c2e-9f61-2d4b6a8c0e13", // the app's client id, from your configuration
		"3f9c2b1a-7d6e-4f50-8a1b-c2d3e4f5a6b7", // the user's object id, from your authenticated session
		nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cred.Close()

	// The credential is an azcore.TokenCredential: hand it to any ACS
	// data-plane client. Here it is asked directly, twice.
	ctx := context.Background()
	for range 2 {
		tok, err := cred.Token(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(tok.Token, "valid for about", time.Until(tok.ExpiresOn).Round(time.Hour))
	}
	fmt.Println("exchanges:", ex.calls)

	// Missing ids are reported before anything is sent.
	_, err = identity.NewTeamsUserCredential(ex, entraStub{now: time.Now}, "8e0a1f3c-5b7d-4c2e-9f61-2d4b6a8c0e13", "", nil)
	var argErr *identity.ArgumentError
	fmt.Println(errors.As(err, &argErr), argErr.Arg)
	// Output:
	// acs-token-1 valid for about 1h0m0s
	// acs-token-1 valid for about 1h0m0s
	// exchanges: 1
	// true userID
}

// A test drives the credential's proactive refresh with a fake clock: no
// sleeping, no waiting for real time.
func ExampleNewTeamsUserCredential_proactiveRefresh() {
	ctx := context.Background()
	clk := fake.NewClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	ex := &exchangeStub{now: clk.Now}
	const appID, userID = "8e0a1f3c-5b7d-4c2e-9f61-2d4b6a8c0e13", "3f9c2b1a-7d6e-4f50-8a1b-c2d3e4f5a6b7"
	cred, err := identity.NewTeamsUserCredential(ex, entraStub{now: clk.Now}, appID, userID, &identity.TeamsUserCredentialOptions{
		ProactiveRefresh: true,
		Clock:            clk,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cred.Close()

	tok, _ := cred.Token(ctx)
	fmt.Println(tok.Token, "expires", tok.ExpiresOn.Format(time.TimeOnly))

	// The credential arms a timer for ten minutes before expiry.
	_ = clk.BlockUntil(ctx, 1)
	fmt.Println("refresh due", clk.Deadlines()[0].Format(time.TimeOnly))

	// Time passes; the refresh runs in the background and re-arms the timer.
	clk.Advance(50 * time.Minute)
	_ = clk.BlockUntil(ctx, 1)
	tok, _ = cred.Token(ctx)
	fmt.Println(tok.Token, "expires", tok.ExpiresOn.Format(time.TimeOnly))
	// Output:
	// acs-token-1 expires 13:00:00
	// refresh due 12:50:00
	// acs-token-2 expires 13:50:00
}

func ExampleNewRefreshingTokenCredential() {
	// refresh asks the application's own backend for a new ACS token.
	refresh := func(ctx context.Context) (identity.AccessToken, error) {
		return identity.AccessToken{Token: "fresh-acs-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
	}
	cred, err := identity.NewRefreshingTokenCredential(refresh, &identity.RefreshingTokenCredentialOptions{
		// A token the application already has; used until it is due.
		InitialToken:     identity.AccessToken{Token: "initial-acs-token", ExpiresOn: time.Now().Add(30 * time.Minute)},
		ProactiveRefresh: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cred.Close()

	tok, err := cred.Token(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tok.Token)
	// Output: initial-acs-token
}

func ExampleNewStaticTokenCredential() {
	// A token issued elsewhere; its expiry is read from the token. A string
	// that is not an ACS access token is refused at once.
	_, err := identity.NewStaticTokenCredential("not-a-token")
	fmt.Println(errors.Is(err, identity.ErrTokenMalformed))

	// An ACS token that expired on 1 January 2020.
	token := "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJza3lwZWlkIjoiYWNzOjFiNGY2YzJlLTlhOGQtNGUzZi1iNWM3LTBkMWUyZjNhNGI1Y18wMDAwMDAyMS03YzNmLTRiMWEtOGUyZC01ZjZhN2I4YzlkMGUiLCJzY3AiOjE3OTIsImFjc1Njb3BlIjoiY2hhdCx2b2lwIiwiaWF0IjoxNTc3ODMzMjAwLCJleHAiOjE1Nzc4MzY4MDB9.c2lnbmF0dXJl"
	cred, err := identity.NewStaticTokenCredential(token)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cred.Close()
	// This one has expired: the credential says so, and never returns it.
	_, err = cred.Token(context.Background())
	fmt.Println(errors.Is(err, identity.ErrTokenExpired))
	// Output:
	// true
	// true
}
