// Package helper stands in for lib-common's helper: the operator passes it
// through to the secret functions, which here need nothing from it.
package helper

// Helper is the operator's reconcile helper (a Kubernetes client there).
type Helper struct{}
