// Command identity is a program that imports only package identity. See
// bench/buildcost.sh.
package main

import (
	"fmt"

	"github.com/teamsuser-sdk/teamsuser-go/identity"
)

func main() { fmt.Printf("%T\n", (*identity.Client)(nil)) }
