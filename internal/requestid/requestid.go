// Package requestid puts a client request id on every call of an azcore
// pipeline: x-ms-client-request-id for the ACS data plane, client-request-id
// for Microsoft Graph. The services echo it, log it, and Microsoft support
// finds a request by it.
//
// azcore has runtime.NewRequestIDPolicy, but leaves it out of its default
// pipeline, and the UUIDs it makes (sdk/internal/uuid, v1.13.0) have the
// variant bits 01, not RFC 9562's 10 (the same bug azure-sdk-for-cpp fixed in
// pull request 4554); this policy takes its ids from internal/uuid.
package requestid

import (
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/teamsuser-sdk/teamsuser-go/internal/uuid"
)

// Policy returns a policy that sets header to a new UUID v4 on each request
// that does not carry one yet. Placed among the per-call policies (before
// azcore's retry policy), it gives every try of a call the same id.
func Policy(header string) policy.Policy { return headerPolicy(http.CanonicalHeaderKey(header)) }

type headerPolicy string

// Do implements policy.Policy.
func (h headerPolicy) Do(req *policy.Request) (*http.Response, error) {
	if req.Raw().Header.Get(string(h)) == "" {
		req.Raw().Header.Set(string(h), uuid.New())
	}
	return req.Next()
}
