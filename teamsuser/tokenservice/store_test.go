package tokenservice_test

import (
	"testing"

	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice"
	"github.com/teamsuser-sdk/teamsuser-go/teamsuser/tokenservice/tokenservicetest"
)

func TestMemoryRateLimitStore(t *testing.T) {
	tokenservicetest.TestRateLimitStore(t, tokenservice.NewMemoryRateLimitStore(0))
}
