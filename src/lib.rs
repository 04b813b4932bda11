//! trailsmith: a declarative CloudTrail trail spec compiled to CloudFormation or Terraform JSON.
//!
//! Data flows one way: `source` (text to value with positions) -> `validate` (schema and AWS
//! rules) -> `model` (resolved resources, references as expressions, policies from `policy`) ->
//! `emit` (one target each). Only the binary's `cli` module reads, writes or prints.

pub mod diag;
pub mod source;
pub mod spec;
pub mod validate;
