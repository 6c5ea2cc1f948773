//! The CLI's integration tests, one binary (as cargo's own test suite is):
//! each file is a module; `common` holds what they share. One binary links
//! once, where sixteen linked sixteen times.

mod common;

mod ansible_role;
mod check;
mod cli;
mod client_ca_deadline;
mod deploy;
mod deployers;
mod faults;
mod forms;
mod interop;
mod kolla_role;
mod lifecycle;
mod matrix;
mod node;
mod octavia_conf;
mod oslo_config;
mod passwords;
mod probe;
mod prometheus;
mod recovery;
mod releases;
mod schemas;
mod seams;
mod shell;
mod staged_rotation;
mod trust;
mod vault;
