// Package logr stands in for github.com/go-logr/logr: Info prints to stderr.
package logr

import (
	"fmt"
	"os"
)

// Logger is the operator's logger.
type Logger struct{}

// Info logs a message.
func (Logger) Info(msg string, _ ...any) { fmt.Fprintln(os.Stderr, msg) }
