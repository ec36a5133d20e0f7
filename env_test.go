package losant_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	losant "github.com/losant-go/losant-go"
)

// NewClient with no options talks to $LOSANT_API_URL with
// $LOSANT_API_TOKEN, as the CLI does.
func TestNewClientReadsTheEnvironment(t *testing.T) {
	var gotAuth string
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		respond(http.StatusOK, `{"id":"`+jobID+`"}`)(w, r)
	})
	t.Setenv(losant.EnvBaseURL, f.srv.URL+basePath)
	t.Setenv(losant.EnvToken, "env-"+testToken)

	c, err := losant.NewClient()
	if err != nil {
		t.Fatalf("NewClient(): %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	if want := f.srv.URL + basePath + "/"; c.BaseURL() != want {
		t.Errorf("BaseURL = %q, want %q from $%s", c.BaseURL(), want, losant.EnvBaseURL)
	}
	if _, err := c.ApplicationJobLog.Get(context.Background(), appID, jobID); err != nil {
		t.Fatalf("Get: %v", err)
	}
	if gotAuth != "Bearer env-"+testToken {
		t.Errorf("Authorization = %q, want the token from $%s", gotAuth, losant.EnvToken)
	}
}

func TestNewClientOptionsWinOverTheEnvironment(t *testing.T) {
	var gotAuth string
	f := newFixture(t, func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		respond(http.StatusOK, `{"id":"`+jobID+`"}`)(w, r)
	})
	t.Setenv(losant.EnvBaseURL, "https://env.invalid")
	t.Setenv(losant.EnvToken, "env-token")

	c, err := losant.NewClient(losant.WithToken(testToken), losant.WithBaseURL(f.srv.URL+basePath))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	if _, err := c.ApplicationJobLog.Get(context.Background(), appID, jobID); err != nil {
		t.Fatalf("Get: %v", err)
	}
	if gotAuth != "Bearer "+testToken {
		t.Errorf("Authorization = %q, want WithToken's token over the environment's", gotAuth)
	}
}

func TestNewClientEmptyEnvironmentIsUnset(t *testing.T) {
	t.Setenv(losant.EnvBaseURL, "")
	t.Setenv(losant.EnvToken, "")
	if c, err := losant.NewClient(); !errors.Is(err, losant.ErrInvalidArgument) {
		t.Errorf("NewClient() with an empty $%s = (%v, %v), want ErrInvalidArgument", losant.EnvToken, c, err)
	}
	c, err := losant.NewClient(losant.WithToken(testToken))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	if c.BaseURL() != losant.DefaultBaseURL+"/" {
		t.Errorf("BaseURL with an empty $%s = %q, want %q", losant.EnvBaseURL, c.BaseURL(), losant.DefaultBaseURL+"/")
	}
}

// A bad value in the environment is refused, naming the variable.
func TestNewClientRefusesABadEnvironment(t *testing.T) {
	for _, tt := range []struct{ name, url, token, want string }{
		{"plain http to a remote host", "http://api.losant.com", testToken, losant.EnvBaseURL},
		{"not a URL", "://nope", testToken, losant.EnvBaseURL},
		{"token with a newline", "", testToken + "\nX-Evil: 1", losant.EnvToken},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(losant.EnvBaseURL, tt.url)
			t.Setenv(losant.EnvToken, tt.token)
			_, err := losant.NewClient()
			var ia *losant.InvalidArgumentError
			if !errors.As(err, &ia) || ia.Name != tt.want {
				t.Fatalf("NewClient() = %v, want an InvalidArgumentError naming %s", err, tt.want)
			}
			noToken(t, err)
		})
	}
}
