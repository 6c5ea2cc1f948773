// Package secret stands in for lib-common's secret functions: an in-memory
// API server holding the namespace's Secrets.
package secret

import (
	"context"

	"github.com/openstack-k8s-operators/lib-common/modules/common/helper"
	corev1 "k8s.io/api/core/v1"
	k8serrors "k8s.io/apimachinery/pkg/api/errors"
)

// Store is the API server's Secrets, by namespace/name.
var Store = map[string]*corev1.Secret{}

// GetSecret returns the Secret, or the API server's "not found" (the hash
// lib-common also returns is not used by the certificate code).
func GetSecret(_ context.Context, _ *helper.Helper, name string, namespace string) (*corev1.Secret, string, error) {
	s, ok := Store[namespace+"/"+name]
	if !ok {
		return nil, "", &k8serrors.NotFound{Name: name}
	}
	return s, "", nil
}

// CreateOrPatchSecret stores the Secret (the owner is not recorded).
func CreateOrPatchSecret(_ context.Context, _ *helper.Helper, _ any, s *corev1.Secret) (string, string, error) {
	Store[s.Namespace+"/"+s.Name] = s
	return "", "created", nil
}
