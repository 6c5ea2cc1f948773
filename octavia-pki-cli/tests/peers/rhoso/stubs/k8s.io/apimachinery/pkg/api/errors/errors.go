// Package errors stands in for k8s.io/apimachinery/pkg/api/errors: the API
// server's "not found", and IsNotFound.
package errors

import "errors"

// NotFound is what the API server answers for an object it does not hold.
type NotFound struct{ Name string }

func (e *NotFound) Error() string { return "secrets \"" + e.Name + "\" not found" }

// IsNotFound says whether err is the API server's "not found".
func IsNotFound(err error) bool {
	var nf *NotFound
	return errors.As(err, &nf)
}
