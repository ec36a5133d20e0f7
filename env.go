package losant

import "os"

// Environment variables NewClient reads for its defaults, as the CLI does.
// An empty value counts as unset; an explicit WithToken or WithBaseURL wins.
const (
	// EnvToken names the variable holding the API token (WithToken).
	EnvToken = "LOSANT_API_TOKEN"
	// EnvBaseURL names the variable holding the API's address (WithBaseURL).
	EnvBaseURL = "LOSANT_API_URL"
)

// envDefaults fills s from the environment before the options run, so an
// option given to NewClient overrides what the environment says. A token
// from the environment is checked as WithToken checks it, and its error
// names the variable rather than the option.
func envDefaults(s *settings) error {
	if u := os.Getenv(EnvBaseURL); u != "" {
		s.baseURL = u
		s.baseURLFrom = EnvBaseURL
	}
	if t := os.Getenv(EnvToken); t != "" {
		if err := WithToken(t).applyClient(s); err != nil {
			if ia, ok := err.(*InvalidArgumentError); ok {
				return invalidArg(EnvToken, "%s", ia.Reason)
			}
			return err
		}
	}
	return nil
}
