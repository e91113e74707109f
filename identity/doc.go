// Package identity is the Azure Communication Services (ACS) identity layer of
// teamsuser-go: communication identifiers and their raw ids, the ACS identity
// client (users, tokens and the exchange of a Microsoft Teams user's Entra ID
// token for an ACS token), reading of Entra and ACS token claims, and
// credentials that keep a Teams user's ACS token fresh.
//
// A service of several replicas shares the users' ACS tokens among them with
// a SharedTokenCache (one exchange per user per token lifetime for the
// cluster, tokens sealed at rest under the application's keys) and keeps
// its exchanges under ACS's limit with an ExchangePool (a budget per ACS
// resource, several resources allowed); the stores behind them are small
// interfaces (TokenCacheStore, ExchangeBudgetStore) with in-memory defaults
// and implementations on Redis in teamsuser/redisstore.
//
// The package never imports Microsoft Graph; chat and calling build on it.
package identity
