//! Shared fixtures of the tests, the benchmark and the example.

pub mod sample;
