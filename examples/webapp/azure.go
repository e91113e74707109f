package main

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
)

// tenantRE is a tenant as Entra ID names it in an authority: its id, a
// verified domain, or "organizations" (a multi-tenant app).
var tenantRE = regexp.MustCompile(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+|organizations)$`)

// azureConfig reads the configuration for Azure from the environment (see
// the package documentation). Every problem names its variable.
func azureConfig(o options, getenv func(string) string, listenURL string) (config, error) {
	bad := func(name, problem string) error { return fmt.Errorf("%w: %s %s", errUsage, name, problem) }
	clientID := strings.TrimSpace(getenv("TEAMSUSER_CLIENT_ID"))
	secret := getenv("TEAMSUSER_CLIENT_SECRET")
	tenant := strings.TrimSpace(getenv("TEAMSUSER_TENANT_ID"))
	switch {
	case !uuid.IsGUID(clientID):
		return config{}, bad("TEAMSUSER_CLIENT_ID", "must be the app's client id (a GUID)")
	case secret == "":
		return config{}, bad("TEAMSUSER_CLIENT_SECRET", "must be the app's client secret (the app redeems codes and signs in on behalf of users)")
	case !tenantRE.MatchString(tenant):
		return config{}, bad("TEAMSUSER_TENANT_ID", "must be a tenant id, a verified domain, or organizations")
	}
	tenants := splitList(getenv("TEAMSUSER_TENANTS"))
	if len(tenants) == 0 {
		if !uuid.IsGUID(tenant) {
			return config{}, bad("TEAMSUSER_TENANTS", "must name the tenants whose users may sign in (ids, or *) when TEAMSUSER_TENANT_ID is not a tenant id")
		}
		tenants = []string{tenant}
	}
	if len(tenants) == 1 && tenants[0] == "*" {
		tenants = []string{tokenservice.AnyTenant}
	}
	scope := strings.TrimSpace(getenv("TEAMSUSER_API_SCOPE"))
	if scope == "" {
		scope = "api://" + clientID + "/access_as_user"
	}
	if !strings.Contains(scope, "/") || strings.ContainsAny(scope, " \t") {
		return config{}, bad("TEAMSUSER_API_SCOPE", "must be one scope URI such as api://<client id>/access_as_user")
	}
	cs := getenv("ACS_CONNECTION_STRING")
	if cs == "" {
		return config{}, bad("ACS_CONNECTION_STRING", "must be the Communication Services resource's connection string")
	}
	acs, err := identity.NewClientFromConnectionString(cs, nil)
	if err != nil {
		return config{}, bad("ACS_CONNECTION_STRING", "cannot be read: "+err.Error())
	}
	base := listenURL
	if strings.HasPrefix(base, "http://127.0.0.1:") {
		base = "http://localhost:" + base[len("http://127.0.0.1:"):] // Entra ID accepts http redirect URIs on localhost
	}
	if raw := getenv("PUBLIC_BASE_URL"); raw != "" {
		if base, err = baseURLOf(raw); err != nil {
			return config{}, bad("PUBLIC_BASE_URL", err.Error())
		}
	}
	cfg := config{
		baseURL: base, clientID: clientID, clientSecret: secret, tenant: tenant, tenants: tenants, apiScope: scope,
		authorizeBase: tokenservice.DefaultAuthorityHost, tokenBase: tokenservice.DefaultAuthorityHost,
		authHTTP: &http.Client{Timeout: tokenTimeout},
		newCredential: func(c tokenservice.Caller, assertion string) (azcore.TokenCredential, error) {
			return azidentity.NewOnBehalfOfCredentialWithSecret(c.TenantID, clientID, assertion, secret, nil)
		},
		exchanger:        acs,
		live:             o.live,
		pollInterval:     o.pollInterval,
		presenceInterval: o.presenceInterval,
	}
	// Graph and Call Automation reach the app only at a public https URL.
	if strings.HasPrefix(base, "https://") && !isLoopback(strings.TrimPrefix(base, "https://")) {
		cfg.publicURL = base
	}
	if cfg.live == "auto" {
		cfg.live = "poll"
		if cfg.publicURL != "" {
			cfg.live = "notify"
		}
	}
	if cfg.live == "notify" && cfg.publicURL == "" {
		return config{}, bad("PUBLIC_BASE_URL", "must be a public https URL for -live notify (Graph posts the change notifications there)")
	}
	if id := strings.TrimSpace(getenv("ACS_RESOURCE_ID")); id != "" {
		if !uuid.IsGUID(id) {
			return config{}, bad("ACS_RESOURCE_ID", "must be the resource's immutable id (a GUID)")
		}
		if cfg.calling, err = calling.NewClientFromConnectionString(cs, nil); err != nil {
			return config{}, bad("ACS_CONNECTION_STRING", "cannot be read: "+err.Error())
		}
		cfg.resourceID = id
	}
	if cfg.pollInterval == 0 {
		cfg.pollInterval = 10 * time.Second
	}
	if cfg.presenceInterval == 0 {
		cfg.presenceInterval = 30 * time.Second
	}
	return cfg, nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
