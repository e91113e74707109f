package identity_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// exampleToken stands in for a token from Entra ID or ACS: a JWT whose
// payload is claims. The functions shown read tokens, they do not verify them.
func exampleToken(claims string) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"RS256","kid":"k","typ":"JWT"}`)) + "." +
		enc.EncodeToString([]byte(claims)) + "." + enc.EncodeToString([]byte("signature"))
}

// A service checks a Teams user's Entra token before exchanging it, and
// tells a token issued to another app apart from an expired one.
func ExampleCheckTeamsUserToken() {
	token := exampleToken(`{"aud":"https://auth.msft.communication.azure.com",
		"iss":"https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/",
		"appid":"1b6f9b8e-5a4e-4c2b-9d7a-0f4e1f1d2c3b","oid":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
		"tid":"72f988bf-86f1-41af-91ab-2d7cd011db47","scp":"Teams.ManageCalls Teams.ManageChats",
		"ver":"1.0","iat":1755817200,"nbf":1755817200,"exp":1755820800}`)
	now := time.Unix(1755818000, 0)

	claims, err := identity.CheckTeamsUserToken(token,
		"1b6f9b8e-5a4e-4c2b-9d7a-0f4e1f1d2c3b", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", now)
	fmt.Println(claims.TenantID, claims.ExpiresOn.Format(time.RFC3339), err)

	_, err = identity.CheckTeamsUserToken(token,
		"22222222-2222-2222-2222-222222222222", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", now)
	fmt.Println(errors.Is(err, identity.ErrTokenAppIDMismatch))
	fmt.Println(err)

	_, err = identity.CheckTeamsUserToken(token,
		"1b6f9b8e-5a4e-4c2b-9d7a-0f4e1f1d2c3b", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", now.Add(2*time.Hour))
	fmt.Println(errors.Is(err, identity.ErrTokenExpired))
	// Output:
	// 72f988bf-86f1-41af-91ab-2d7cd011db47 2025-08-22T00:00:00Z <nil>
	// true
	// identity: entra token was issued to app "1b6f9b8e-5a4e-4c2b-9d7a-0f4e1f1d2c3b", not to the app id "22222222-2222-2222-2222-222222222222" passed to the exchange; pass the client id of the app that signed the user in
	// true
}

// An ACS access token says which user it is for, its scopes and when it
// expires.
func ExampleReadACSToken() {
	token := exampleToken(`{"skypeid":"acs:d6de2ec6-8e7e-4be4-aae4-6ee45c4febc3_00000024-2222-3333-4444-555566667777",
		"scp":1792,"csi":"1755818174","exp":1755821774,"rgn":"amer","acsScope":"chat,voip",
		"resourceId":"d6de2ec6-8e7e-4be4-aae4-6ee45c4febc3","resourceLocation":"unitedstates","iat":1755818174}`)
	claims, err := identity.ReadACSToken(token)
	if err != nil {
		fmt.Println(err)
		return
	}
	user, _ := claims.User()
	fmt.Println(user.ID)
	fmt.Println(claims.Scopes, claims.ResourceLocation, claims.ExpiresOn.Format(time.RFC3339))
	// Output:
	// 8:acs:d6de2ec6-8e7e-4be4-aae4-6ee45c4febc3_00000024-2222-3333-4444-555566667777
	// [chat voip] unitedstates 2025-08-22T00:16:14Z
}

// ReadEntraToken reads v1.0 and v2.0 tokens alike.
func ExampleReadEntraToken() {
	token := exampleToken(`{"aud":"1fd5118e-2576-4263-8130-9503064c837a","ver":"2.0",
		"azp":"1b6f9b8e-5a4e-4c2b-9d7a-0f4e1f1d2c3b","oid":"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
		"scp":"Teams.ManageCalls Teams.ManageChats","preferred_username":"adele@fabrikam.example"}`)
	claims, err := identity.ReadEntraToken(token)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(claims.Version, claims.AppID, claims.PreferredUsername)
	fmt.Println(claims.HasScope(identity.TeamsManageChats))

	_, err = identity.ReadEntraToken("not a token")
	fmt.Println(err)
	// Output:
	// 2.0 1b6f9b8e-5a4e-4c2b-9d7a-0f4e1f1d2c3b adele@fabrikam.example
	// true
	// identity: entra token is not a readable jwt (token does not have three dot-separated parts); pass the user's access token itself, not an id token, a refresh token or an authorization header
}
