package losant

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/losant-go/losant-go/internal/ops"
)

// Job is a handle on an application job that Losant runs in the background
// (an export, an import, a clone, a data archive): the operations that start
// one return it, and Client.Job or Client.ParseJob rebuild it from what was
// saved earlier, in another process or after a restart. Its id is the id of
// the application job log that records the run.
//
// Wait follows the job to its end, as the long-running operations of
// Google's Cloud clients do (op.Wait); its Name is the string to save.
// A Job is a small value, safe for concurrent use.
type Job struct {
	c             *Client
	applicationID string
	id            string
	// done is the result of work the API finished at once (newFinishedJob);
	// nil for a job Losant runs in the background.
	done *ApplicationJobLog
}

// newJob is the handle on a job the API just started (a 202
// jobEnqueuedResult); the ids come from the request and the API's answer.
func newJob(c *Client, applicationID, jobID string) *Job {
	return &Job{c: c, applicationID: applicationID, id: jobID}
}

// newFinishedJob is the handle on work the API did at once instead of
// starting a job (an export answering 200 with its zip's url, a clone
// answering 201): log says what a finished job's log would (status
// completed, the output), Get and Wait return it without a request, and
// DownloadOutput fetches its output. Callers then treat the API's two
// answers alike. Its ID and Name are empty: there is nothing to resume.
func newFinishedJob(c *Client, applicationID string, log *ApplicationJobLog) *Job {
	return &Job{c: c, applicationID: applicationID, done: log}
}

// Job returns the handle on the job whose log is jobID in the application
// applicationID, for instance from ids a previous run saved. The ids are
// checked by the rules openapi.yaml gives the job-log operations; a bad id
// is an error matching ErrInvalidArgument. Nothing is sent.
func (c *Client) Job(applicationID, jobID string) (*Job, error) {
	if err := checkPathValues(ops.GetApplicationJobLog, applicationID, jobID); err != nil {
		return nil, err
	}
	return newJob(c, applicationID, jobID), nil
}

// checkPathValues checks values against op's path parameters, turning a
// broken rule into an *InvalidArgumentError.
func checkPathValues(op *ops.Operation, values ...string) error {
	err := op.CheckPath(values)
	var pe *ops.ParamError
	if errors.As(err, &pe) {
		return &InvalidArgumentError{Name: pe.Name, Reason: pe.Reason}
	}
	return err
}

// jobNamePrefix and jobNameMiddle frame a Job's Name, after the API's own
// path to the job's log.
const (
	jobNamePrefix = "applications/"
	jobNameMiddle = "/jobLogs/"
)

// ParseJob returns the handle on the job a Name (such as
// "applications/575ec8687ae143cd83dc4a97/jobLogs/575ec76c7ae143cd83dc4a96")
// names, as Job does from the two ids. A string of another form, or with a
// bad id, is an error matching ErrInvalidArgument.
func (c *Client) ParseJob(name string) (*Job, error) {
	rest, ok := strings.CutPrefix(name, jobNamePrefix)
	app, job, ok2 := strings.Cut(rest, jobNameMiddle)
	if !ok || !ok2 {
		return nil, invalidArg("job name", "%.60q is not of the form %s<applicationId>%s<jobId>", name, jobNamePrefix, jobNameMiddle)
	}
	return c.Job(app, job)
}

// ApplicationID returns the id of the application the job runs in.
func (j *Job) ApplicationID() string {
	if j == nil {
		return ""
	}
	return j.applicationID
}

// ID returns the job's id: the id of the application job log that records
// it, as in the API's jobEnqueuedResult.
func (j *Job) ID() string {
	if j == nil {
		return ""
	}
	return j.id
}

// Name returns "applications/<applicationId>/jobLogs/<jobId>": save it,
// and Client.ParseJob gives the handle back. It is "" for a nil or zero Job.
func (j *Job) Name() string {
	if j == nil || j.id == "" {
		return ""
	}
	return jobNamePrefix + j.applicationID + jobNameMiddle + j.id
}

// String returns the job's Name.
func (j *Job) String() string { return j.Name() }

// MarshalText encodes the job as its Name, so that a Job in a struct
// saves as a JSON string. Client.ParseJob reads it back (a Job needs a
// client, so there is no UnmarshalText).
func (j *Job) MarshalText() ([]byte, error) { return []byte(j.Name()), nil }

// client returns the job's client, or an error for a Job that was not made
// by a Client (nil, or the zero Job).
func (j *Job) client() (*Client, error) {
	if j == nil || j.c == nil || (j.id == "" && j.done == nil) {
		return nil, invalidArg("Job", "the job has no client; get one from Client.Job or Client.ParseJob")
	}
	return j.c, nil
}

// Get reads the job's log once: its status, progress counters, error and
// output (ApplicationJobLogService.Get).
func (j *Job) Get(ctx context.Context, opts ...RequestOption) (*ApplicationJobLog, error) {
	c, err := j.client()
	if err != nil {
		return nil, err
	}
	if j.done != nil {
		if _, err := c.applyCall(opts); err != nil {
			return nil, err
		}
		return j.done, nil
	}
	return c.ApplicationJobLog.Get(ctx, j.applicationID, j.id, opts...)
}

// Wait polls the job's log until the job has finished and returns the
// final log: for a completed job with a nil error, for an errored or failed
// one with a *JobFailedError (matching ErrJobFailed) that carries the job's
// own error. The options are those of ApplicationJobLogService.Wait
// (WithPollInterval, WithMaxPollInterval, WithProgress, and any
// RequestOption for each poll); the context is the deadline.
func (j *Job) Wait(ctx context.Context, opts ...WaitOption) (*ApplicationJobLog, error) {
	c, err := j.client()
	if err != nil {
		return nil, err
	}
	if j.done != nil {
		// Finished before it was asked: no poll, one progress report.
		cfg, err := waitOptions(opts)
		if err != nil {
			return nil, err
		}
		if cfg.progress != nil {
			cfg.progress(j.done)
		}
		return j.done, jobOutcome(j.applicationID, j.id, j.done)
	}
	return c.ApplicationJobLog.Wait(ctx, j.applicationID, j.id, opts...)
}

// ErrNoOutput matches OutputURL's error for a job log that names no file:
// the job has not finished, did not complete, or is not one that produces a
// file (only an export does).
var ErrNoOutput = errors.New("losant: the job log names no output file")

// OutputURL returns the address of the file a completed job produced (an
// export's zip): the first of its log's output.downloadUrls. Download and
// DownloadFile fetch it. A log without one gives an error matching
// ErrNoOutput.
func OutputURL(log *ApplicationJobLog) (string, error) {
	urls := log.GetOutput().GetDownloadURLs()
	switch {
	case !log.Finished():
		return "", noOutput("the job has not finished (status " + string(log.GetStatus()) + ")")
	case log.GetStatus() != ApplicationJobLogStatusCompleted:
		return "", noOutput("the job ended " + string(log.GetStatus()))
	case len(urls) == 0 || urls[0] == "":
		return "", noOutput("the completed job's output has no downloadUrls")
	}
	return urls[0], nil
}

func noOutput(reason string) error {
	return &noOutputError{reason: reason}
}

type noOutputError struct{ reason string }

func (e *noOutputError) Error() string        { return ErrNoOutput.Error() + ": " + e.reason }
func (e *noOutputError) Is(target error) bool { return target == ErrNoOutput }

// DownloadOutput waits for the job (see Wait; WithWait passes it options)
// and writes the file it produced to w with Download: the one call that
// turns a started export into its zip. A job that did not complete returns
// its *JobFailedError, one without a file an error matching ErrNoOutput.
func (j *Job) DownloadOutput(ctx context.Context, w io.Writer, opts ...DownloadOption) (int64, error) {
	if w == nil {
		return 0, invalidArg("DownloadOutput", "the io.Writer is nil")
	}
	return j.downloadOutput(ctx, opts, func(c *Client, url string, cfg downloadConfig) (int64, error) {
		return c.download(ctx, url, w, cfg)
	})
}

// DownloadOutputFile is DownloadOutput into a file, written atomically as
// DownloadFile writes. The path is checked before the wait: an existing
// file (without WithOverwrite) is refused before anything is sent.
func (j *Job) DownloadOutputFile(ctx context.Context, path string, opts ...DownloadOption) (int64, error) {
	return j.downloadOutput(ctx, opts, func(c *Client, url string, cfg downloadConfig) (int64, error) {
		return c.downloadFile(ctx, url, path, cfg)
	}, path)
}

// downloadOutput reads the options, checks the destination path (when
// given) before any traffic, waits, and hands the output's URL to fetch.
func (j *Job) downloadOutput(ctx context.Context, opts []DownloadOption, fetch func(*Client, string, downloadConfig) (int64, error), path ...string) (int64, error) {
	c, err := j.client()
	if err != nil {
		return 0, err
	}
	cfg, err := c.downloadOptions(opts)
	if err != nil {
		return 0, err
	}
	if len(path) > 0 {
		if err := checkDestination(path[0], cfg.overwrite); err != nil {
			return 0, err
		}
	} else if cfg.overwrite {
		return 0, invalidArg("WithOverwrite", "DownloadOutput writes to an io.Writer; WithOverwrite is for DownloadOutputFile")
	}
	log, err := j.Wait(ctx, cfg.wait...)
	if err != nil {
		return 0, err
	}
	url, err := OutputURL(log)
	if err != nil {
		return 0, err
	}
	return fetch(c, url, cfg)
}

// WithWait passes options to the Wait of Job.DownloadOutput and
// Job.DownloadOutputFile (progress, poll intervals). Client.Download and
// Client.DownloadFile, which do not wait, refuse it.
func WithWait(opts ...WaitOption) DownloadOption {
	return downloadOption(func(c *downloadConfig) error {
		for _, o := range opts {
			if o != nil {
				c.wait = append(c.wait, o)
			}
		}
		if c.wait == nil {
			c.wait = []WaitOption{}
		}
		return nil
	})
}

// startedJob is the handle on the job an operation's answer reports
// (jobId, under the application the request named). An answer without a
// usable jobId is a *ResponseError: without it the job cannot be followed.
func startedJob(c *Client, op *ops.Operation, status int, applicationID, jobID string) (*Job, error) {
	if err := checkPathValues(ops.GetApplicationJobLog, applicationID, jobID); err != nil {
		return nil, &ResponseError{Method: op.Method, Path: op.Path, StatusCode: status,
			Err: fmt.Errorf("the API queued a job but its answer names no usable jobId (%v)", err)}
	}
	return newJob(c, applicationID, jobID), nil
}
