// Package v1beta1 stands in for the operator's API: the Octavia custom
// resource, of which the certificate code reads the name and namespace.
package v1beta1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// Octavia is the custom resource.
type Octavia struct {
	metav1.ObjectMeta
}
