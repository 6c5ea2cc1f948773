//! The library's integration tests, one binary (as cargo's own test suite
//! is): each file is a module, and `common` holds what they share.

mod common;

mod codes;
mod imports;
mod node;
mod properties;
mod readers;
mod rules;
