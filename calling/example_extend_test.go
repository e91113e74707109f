package calling_test

import (
	"context"
	"fmt"

	"github.com/teamsuser-sdk/teamsuser-go/calling"
	"github.com/teamsuser-sdk/teamsuser-go/calling/fake"
	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

// countingService decorates a calling.Service: it counts the calls it
// creates, and every other operation (including those a later release
// adds) goes to the Service it embeds.
type countingService struct {
	calling.Service
	created int
}

func (s *countingService) CreateCall(ctx context.Context, targets []identity.Identifier, callbackURL string, opts *calling.CreateCallOptions) (calling.CreateCallResponse, error) {
	resp, err := s.Service.CreateCall(ctx, targets, callbackURL, opts)
	if err == nil {
		s.created++
	}
	return resp, err
}

// A Service is implemented outside package calling by embedding one: here
// a decorator of the fake switchboard's Go face (against Azure, of a
// *calling.Client).
func ExampleService_decorate() {
	ctx := context.Background()
	sb := fake.New(nil)
	defer sb.Close()
	adele := sb.AddTeamsUser("5c1d3f47-0f2a-4d39-9d0b-6b4f8e7a1c01", fake.Answers())

	var svc calling.Service = &countingService{Service: sb}
	resp, err := svc.CreateCall(ctx, []identity.Identifier{adele}, "https://contoso.example/acs/callbacks", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = svc.GetCall(ctx, resp.CallConnectionID, nil) // the switchboard's own
	fmt.Println(err == nil, svc.(*countingService).created)
	// Output:
	// true 1
}
