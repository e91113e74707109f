// Command azbaseline imports azcore and azidentity only: the floor every
// Azure SDK for Go program pays. See bench/buildcost.sh.
package main

import (
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

func main() { fmt.Printf("%T %T\n", (*azcore.Client)(nil), (*azidentity.DefaultAzureCredential)(nil)) }
