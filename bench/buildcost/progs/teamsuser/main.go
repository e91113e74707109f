// Command teamsuser is a program that imports the facade, and with it
// identity, chat and calling: what a user of this module builds. See
// bench/buildcost.sh.
package main

import (
	"fmt"

	"github.com/teamsuser-sdk/teamsuser-go/teamsuser"
)

func main() { fmt.Printf("%T\n", (*teamsuser.User)(nil)) }
