package fake

import (
	"slices"
	"strings"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// Calling Teams users needs their tenant's consent and their licence.
// Learn: Call Automation's Teams interop how-to
// (MicrosoftDocs/azure-docs articles/communication-services/how-tos/
// call-automation/teams-interop-call-automation.md, Prerequisites and
// Step 1):
// "a Microsoft Teams Administrator or Global Administrator must explicitly
// enable the Communication Services resource(s) access to their tenant to
// allow calling" with Set-CsTeamsAcsFederationConfiguration, a "Teams
// phone license is a must to use this feature", and "The Microsoft Teams
// user must also be voice enabled". The cmdlet
// (learn.microsoft.com/powershell/module/teams/set-csteamsacsfederationconfiguration):
// -EnableAcsUsers $False disables the federation with every resource; with
// it enabled "Only listed ACS resources can be allowed" (-AllowedAcsResources,
// the resources' immutable ids).
//
// What the service answers when a call is not allowed is not documented.
// The switchboard fails the call, invitation, transfer or redirect with
// 403 and the generic subcode "7604 | Unauthorized Teams Interop Scenario"
// (troubleshooting-codes, Generic subcodes) in its failure event, for a
// tenant that does not allow the resource as for a user without Teams
// Phone (choice). Nothing is refused until a test says so: a tenant never
// configured allows every resource, and a user is voice enabled.

var (
	resNotFederated = ResultInformation{Code: 403, SubCode: 7604, Message: "Unauthorized Teams Interop Scenario: the Teams user's tenant does not allow this Communication Services resource."}
	resNoTeamsPhone = ResultInformation{Code: 403, SubCode: 7604, Message: "Unauthorized Teams Interop Scenario: the Teams user has no Teams Phone license or is not voice enabled."}
)

// TeamsFederation is a Teams tenant's federation with ACS resources, as its
// administrator sets it with Set-CsTeamsAcsFederationConfiguration.
type TeamsFederation struct {
	// Disabled disables the federation with every ACS resource
	// (-EnableAcsUsers $False).
	Disabled bool
	// AllowedResources are the immutable ids of the ACS resources whose
	// calls reach the tenant's users (-AllowedAcsResources): only those.
	AllowedResources []string
}

// TeamsUserPolicy is what decides, beside their tenant, whether the
// resource may call a Teams user. The zero value lets it.
type TeamsUserPolicy struct {
	// TenantID is the user's tenant, whose TeamsFederation applies to
	// calls to the user; empty means none does.
	TenantID string
	// VoiceDisabled is true when the user has no Teams Phone license or is
	// not enabled for (Enterprise) Voice.
	VoiceDisabled bool
}

// SetTeamsFederation sets the federation of the Teams tenant tenantID
// (a GUID, compared without regard to case) with ACS resources: from then
// on the resource's calls to a user of the tenant (see SetTeamsUserPolicy)
// fail with 403, subcode 7604, unless f allows this switchboard's resource
// (ResourceID). A tenant never set allows every resource.
func (sb *Switchboard) SetTeamsFederation(tenantID string, f TeamsFederation) {
	f.AllowedResources = slices.Clone(f.AllowedResources)
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if sb.federation == nil {
		sb.federation = map[string]TeamsFederation{}
	}
	sb.federation[strings.ToLower(tenantID)] = f
}

// SetTeamsUserPolicy sets the tenant and the voice enablement of the Teams
// user oid (public cloud), adding the user, answering, if unknown. It
// applies to calls that ring from then on: a user who is not voice enabled,
// or whose tenant does not allow the resource, is not rung, and the call
// fails with 403, subcode 7604.
func (sb *Switchboard) SetTeamsUserPolicy(oid string, p TeamsUserPolicy) {
	id := identity.MicrosoftTeamsUserIdentifier{UserID: oid}
	sb.mu.Lock()
	defer sb.mu.Unlock()
	u := sb.teamsUser(id)
	u.policy = p
}

// teamsUser returns the party of a Teams user, adding it, answering, if
// unknown. Call with sb.mu held.
func (sb *Switchboard) teamsUser(id identity.MicrosoftTeamsUserIdentifier) *party {
	raw := id.RawID()
	p, ok := sb.parties[raw]
	if !ok {
		p = &party{id: id, teams: true, avail: Available, script: Answers()}
		sb.parties[raw] = p
	}
	return p
}

// teamsRefusal returns the result of calling the Teams user p when the
// resource may not, nil when it may. Call with sb.mu held.
func (sb *Switchboard) teamsRefusal(p *party) *ResultInformation {
	if t := p.policy.TenantID; t != "" {
		if f, ok := sb.federation[strings.ToLower(t)]; ok && (f.Disabled || !slices.ContainsFunc(f.AllowedResources, func(r string) bool {
			return strings.EqualFold(r, sb.resourceID)
		})) {
			r := resNotFederated
			return &r
		}
	}
	if p.policy.VoiceDisabled {
		r := resNoTeamsPhone
		return &r
	}
	return nil
}
