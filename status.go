package losant

// Terminal reports whether a job with this status has finished for good:
// completed, errored or failed. A status this SDK does not know yet is not
// terminal, so a waiter keeps polling rather than stop early.
func (s ApplicationJobLogStatus) Terminal() bool {
	switch s {
	case ApplicationJobLogStatusCompleted, ApplicationJobLogStatusErrored, ApplicationJobLogStatusFailed:
		return true
	}
	return false
}

// Failed reports whether a job with this status ended without completing:
// errored or failed.
func (s ApplicationJobLogStatus) Failed() bool {
	return s == ApplicationJobLogStatusErrored || s == ApplicationJobLogStatusFailed
}

// Finished reports whether the job has finished for good (completed,
// errored or failed). It is false for a nil log or one without a status.
func (x *ApplicationJobLog) Finished() bool { return x.GetStatus().Terminal() }
