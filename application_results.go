package losant

// The answers of the Application operations that may do their work at
// once rather than queue a job: what a completed job's log would hold, so
// that Job() gives a finished job for them and callers treat both answers
// alike (the generated Job() asks for finished where it exists).

// finished is the log of an export the API answered at once (200) with
// its zip's address: completed, the address in output.downloadUrls.
func (r *ApplicationExportResponse) finished() *ApplicationJobLog {
	url := r.GetJSON200().GetURL()
	if url == "" {
		return nil
	}
	return &ApplicationJobLog{Output: &ApplicationJobLogOutput{DownloadURLs: &[]string{url}}}
}

// finished is the log of a clone the API made at once (201): completed,
// the new application's id in output.applicationId. A dry run (200)
// creates nothing and stands for no job.
func (r *ApplicationCloneResponse) finished() *ApplicationJobLog {
	app := r.GetJSON201().GetApplication()
	if app == nil {
		return nil
	}
	id := app.GetID()
	return &ApplicationJobLog{Output: &ApplicationJobLogOutput{ApplicationID: &id}}
}

// finished is the log of an import the API did at once (200, answering
// the updated application): completed, without counts.
func (r *ApplicationImportResponse) finished() *ApplicationJobLog {
	if r.GetJSON200() == nil {
		return nil
	}
	return &ApplicationJobLog{}
}
