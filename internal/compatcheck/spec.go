package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

// oasdiff's severity levels, as its JSON output numbers them.
const (
	levelInfo = 1
	levelWarn = 2
	levelErr  = 3
)

// specChange is one entry of `oasdiff changelog -f json`.
type specChange struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	Level     int    `json:"level"`
	Operation string `json:"operation"`
	Path      string `json:"path"`
}

// where names the operation a change is in, as "GET /path", or "" for a
// change outside any operation (security schemes, say).
func (c specChange) where() string {
	if c.Operation == "" || c.Path == "" {
		return c.Path
	}
	return c.Operation + " " + c.Path
}

// ackKeys are what an item under "Breaking" must name to acknowledge the
// change: oasdiff's rule id and the operation.
func (c specChange) ackKeys() []string {
	if w := c.where(); w != "" {
		return []string{c.ID, w}
	}
	return []string{c.ID}
}

// String is the change as oasdiff words it, with its rule id and place.
func (c specChange) String() string {
	level := map[int]string{levelInfo: "info", levelWarn: "warning", levelErr: "error"}[c.Level]
	if level == "" {
		level = fmt.Sprintf("level %d", c.Level)
	}
	s := fmt.Sprintf("%s [%s]", level, c.ID)
	if w := c.where(); w != "" {
		s += " in " + w
	}
	return s + ": " + c.Text
}

// specChanges runs oasdiff's changelog (every change, breaking or not)
// from the baseline spec to the current one.
func (o *options) specChanges(base, rev string) ([]specChange, error) {
	out, err := o.run(o.oasdiff, "changelog", base, rev, "--format", "json")
	if err != nil {
		return nil, err
	}
	var changes []specChange
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &changes); err != nil {
		return nil, fmt.Errorf("reading oasdiff's JSON: %v\n%s", err, out)
	}
	return changes, nil
}
