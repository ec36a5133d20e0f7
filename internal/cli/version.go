package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	losant "github.com/losant-go/losant-go"
	"github.com/losant-go/losant-go/internal/modversion"
)

// version is the losant-go module version this binary was built with, as
// its build info records it, else losant.Version: what `losant version`
// prints and the User-Agent reports.
var version = modversion.Get(losant.Version)

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the losant-go version this binary was built from",
		Long: `version prints the losant-go module version this binary was built from,
as Go recorded it at build time: the release for "go install
github.com/losant-go/losant-go/cmd/losant@v0.2.0", a pseudo-version for a
build from a checkout, else the SDK's Version constant (` + losant.Version + `).
The SDK's User-Agent header reports the same version.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(a.stdout, version)
			return err
		},
	}
}
