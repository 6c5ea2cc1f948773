module rhoso

go 1.19

require (
	github.com/go-logr/logr v0.0.0
	github.com/openstack-k8s-operators/lib-common/modules/common v0.0.0
	github.com/openstack-k8s-operators/octavia-operator/api v0.0.0
	golang.org/x/crypto v0.0.0
	k8s.io/api v0.0.0
	k8s.io/apimachinery v0.0.0
)

// The operator's Kubernetes modules, stood in for by what its certificate
// code uses (stubs/); x/crypto's pbkdf2 as it was before it needed Go 1.24.
replace (
	github.com/go-logr/logr => ./stubs/logr
	github.com/openstack-k8s-operators/lib-common/modules/common => ./stubs/lib-common
	github.com/openstack-k8s-operators/octavia-operator/api => ./stubs/octavia-operator-api
	golang.org/x/crypto => ./stubs/golang.org/x/crypto
	k8s.io/api => ./stubs/k8s.io/api
	k8s.io/apimachinery => ./stubs/k8s.io/apimachinery
)
