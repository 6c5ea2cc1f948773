// Package v1 stands in for k8s.io/api/core/v1: a Secret with the fields the
// operator's certificate code sets.
package v1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// Secret is a Kubernetes Secret: its name, namespace and data.
type Secret struct {
	metav1.ObjectMeta
	Data map[string][]byte
}
