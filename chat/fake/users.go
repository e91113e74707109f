package fake

import (
	"net/http"

	"github.com/teamsuser-sdk/teamsuser-go/chat"
)

// getUser is GET /me (target "") and GET /users/{id | userPrincipalName}
// (https://learn.microsoft.com/graph/api/user-get): the signed-in user, or
// a user of their tenant, with user-get's default properties. Another
// user's profile needs a tenant-wide permission: User.Read "allows the app
// to read the profile … of the signed-in user only". An unknown user, or
// one of another tenant, is 404 with the directory's code,
// Request_ResourceNotFound, and message (secondary: the answer tests of
// real responses quote; guests are not modelled, a choice).
func (s *Service) getUser(userID string, scopes []string, target string) (chat.User, *opError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	me, oe := s.signedInLocked(userID)
	if oe != nil {
		return chat.User{}, oe
	}
	u := me
	if target != "" {
		if u = s.userLocked(target); u == nil || u.TenantID != me.TenantID {
			return chat.User{}, &opError{status: http.StatusNotFound, code: "Request_ResourceNotFound",
				msg: "Resource '" + short(target) + "' does not exist or one of its queried reference-property objects are not present."}
		}
	}
	if u.ID != me.ID {
		if oe := checkScopes(scopes, scopesReadUsers); oe != nil {
			return chat.User{}, oe
		}
	}
	out := chat.User{
		ID: u.ID, DisplayName: u.DisplayName, GivenName: u.GivenName, Surname: u.Surname,
		Mail: u.Mail, UserPrincipalName: u.UPN, JobTitle: u.JobTitle, MobilePhone: u.MobilePhone,
		OfficeLocation: u.OfficeLocation, PreferredLanguage: u.PreferredLanguage,
	}
	if u.BusinessPhone != "" {
		out.BusinessPhones = []string{u.BusinessPhone}
	}
	return out, nil
}
