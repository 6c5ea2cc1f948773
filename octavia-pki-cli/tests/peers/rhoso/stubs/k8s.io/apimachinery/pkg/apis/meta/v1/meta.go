// Package v1 stands in for k8s.io/apimachinery/pkg/apis/meta/v1: the one
// type the operator's certificate code uses, with the fields it sets.
package v1

// ObjectMeta is an object's name and namespace.
type ObjectMeta struct {
	Name      string
	Namespace string
}
