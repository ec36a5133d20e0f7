package losant

import "github.com/losant-go/losant-go/generated"

// The API's models, generated from openapi.yaml. They are aliases, so users
// never import the generated package. Every field is a pointer: nil means
// the response did not carry it. Numbers are float64, which holds every
// value Losant's JavaScript servers can send exactly; date-times keep their
// milliseconds.
type (
	// ApplicationJobLog is the log of one run of a long application job.
	ApplicationJobLog = generated.ApplicationJobLog
	// ApplicationJobLogStatus is a job's status. Values this SDK does not
	// know yet decode as they are; see TerminalStatus.
	ApplicationJobLogStatus = generated.ApplicationJobLogStatus
	// ApplicationJobLogProgress holds a run's progress counters.
	ApplicationJobLogProgress = generated.ApplicationJobLogProgress
	// ApplicationJobLogError says why a run ended errored or failed.
	ApplicationJobLogError = generated.ApplicationJobLogError
	// ApplicationJobLogInput is what a run was asked to do.
	ApplicationJobLogInput = generated.ApplicationJobLogInput
	// ApplicationJobLogOutput is what a run produced.
	ApplicationJobLogOutput = generated.ApplicationJobLogOutput
	// ApplicationJobLogValidationError is one problem found in a run's input.
	ApplicationJobLogValidationError = generated.ApplicationJobLogValidationError
	// ApplicationJobLogOwnerType says what kind of resource owns a job.
	ApplicationJobLogOwnerType = generated.ApplicationJobLogOwnerType
	// ApplicationJobLogRequestedByType says who requested a run.
	ApplicationJobLogRequestedByType = generated.ApplicationJobLogRequestedByType
	// ApplicationJobLogInputOwnerType says what kind of resource owns a
	// job's target.
	ApplicationJobLogInputOwnerType = generated.ApplicationJobLogInputOwnerType
	// ApplicationJobLogResourceType says what kind of resource a job works on.
	ApplicationJobLogResourceType = generated.ApplicationJobLogResourceType
	// ErrorBody is Losant's error JSON, {"type": ..., "message": ...}.
	ErrorBody = generated.Error
)

// The job statuses openapi.yaml lists.
const (
	StatusQueued     = generated.ApplicationJobLogStatusQueued
	StatusInProgress = generated.ApplicationJobLogStatusInProgress
	StatusCompleted  = generated.ApplicationJobLogStatusCompleted
	StatusErrored    = generated.ApplicationJobLogStatusErrored
	StatusFailed     = generated.ApplicationJobLogStatusFailed
)

// TerminalStatus reports whether a job with status s has finished for good:
// completed, errored or failed.
func TerminalStatus(s ApplicationJobLogStatus) bool {
	return s == StatusCompleted || s == StatusErrored || s == StatusFailed
}
