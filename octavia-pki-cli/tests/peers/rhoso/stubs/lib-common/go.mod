module github.com/openstack-k8s-operators/lib-common/modules/common

go 1.19

require (
	k8s.io/api v0.0.0
	k8s.io/apimachinery v0.0.0
)

replace (
	k8s.io/api => ../k8s.io/api
	k8s.io/apimachinery => ../k8s.io/apimachinery
)
