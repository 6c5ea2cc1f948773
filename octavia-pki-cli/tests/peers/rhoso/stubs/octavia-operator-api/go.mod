module github.com/openstack-k8s-operators/octavia-operator/api

go 1.19

require k8s.io/apimachinery v0.0.0

replace k8s.io/apimachinery => ../k8s.io/apimachinery
