package losant

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// DownloadFile is Download into the file at path, written atomically: the
// bytes go to a temporary file in the same directory, which is synced to
// disk and then put in place whole, so path never holds part of the file.
// On failure the temporary file is removed and path is untouched.
//
// An existing file at path is refused before anything is sent, with an
// error matching fs.ErrExist, unless WithOverwrite is given; a file that
// appears at path during the download is not replaced either. The new file
// is readable and writable by its owner only (0600): an application's
// export can hold its secrets.
//
// It returns the file's size, or on failure how many bytes had arrived.
func (c *Client) DownloadFile(ctx context.Context, rawURL, path string, opts ...DownloadOption) (int64, error) {
	cfg, err := c.downloadOptions(opts)
	if err != nil {
		return 0, err
	}
	if cfg.wait != nil {
		return 0, invalidArg("WithWait", "DownloadFile does not wait for a job; WithWait is for Job.DownloadOutputFile")
	}
	return c.downloadFile(ctx, rawURL, path, cfg)
}

// checkDestination refuses an empty path, and an existing file unless
// overwrite.
func checkDestination(path string, overwrite bool) error {
	if path == "" {
		return invalidArg("path", "the file path is empty")
	}
	if overwrite {
		return nil
	}
	_, err := os.Lstat(path)
	switch {
	case err == nil:
		return existsError(path)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("losant: download to %s: %w", path, err)
	}
	return nil
}

// downloadFile is DownloadFile once its options are read.
func (c *Client) downloadFile(ctx context.Context, rawURL, path string, cfg downloadConfig) (int64, error) {
	u, err := checkDownloadURL(rawURL, c.insecureHTTP)
	if err != nil {
		return 0, err
	}
	if err := checkDestination(path, cfg.overwrite); err != nil {
		return 0, err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.part")
	if err != nil {
		return 0, fmt.Errorf("losant: download to %s: creating the temporary file: %w", path, err)
	}
	tmp := f.Name()
	t := c.newTransfer(u, cfg, newSink(f))
	err = t.run(ctx)
	if err == nil {
		if err = f.Sync(); err != nil {
			err = fmt.Errorf("losant: download to %s: syncing the file: %w", path, err)
		}
	}
	if cerr := f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("losant: download to %s: closing the file: %w", path, cerr)
	}
	if err == nil {
		err = place(tmp, path, cfg.overwrite)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return t.off, err
	}
	syncDir(dir)
	return t.off, nil
}

// existsError is the error of a destination that exists: it matches
// fs.ErrExist, and errors.As gives the *fs.PathError.
func existsError(path string) error {
	return fmt.Errorf("losant: %w (pass WithOverwrite to replace it)", &fs.PathError{Op: "download to", Path: path, Err: fs.ErrExist})
}

// place puts the complete temporary file at path. Without overwrite it
// links the file there, which fails if path exists by then, so nothing that
// appeared during the download is replaced; where the file system has no
// hard links it checks and renames. With overwrite, it renames over path.
// Both leave tmp gone on success.
func place(tmp, path string, overwrite bool) error {
	if overwrite {
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("losant: download to %s: moving the file into place: %w", path, err)
		}
		return nil
	}
	err := os.Link(tmp, path)
	switch {
	case err == nil:
		_ = os.Remove(tmp)
		return nil
	case errors.Is(err, fs.ErrExist):
		return existsError(path)
	}
	// No hard links here (some network and FAT file systems): the check and
	// the rename are two steps.
	if _, lerr := os.Lstat(path); lerr == nil {
		return existsError(path)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("losant: download to %s: moving the file into place: %w", path, err)
	}
	return nil
}

// syncDir asks the file system to persist dir's entries, so that the new
// name survives a crash. Not every system can sync a directory; it is best
// effort.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
