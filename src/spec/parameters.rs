//! The `parameters` section: values the output takes when it is deployed, as the user declares them.
//!
//! Owns the shape of a parameter. Where a reference (`${name}`) may stand and how its default is
//! checked is `validate::deploy_time`; the CloudFormation parameter and Terraform variable are
//! written by `emit`.

use schemars::JsonSchema;
use serde::Deserialize;

/// One value given at deploy time: a CloudFormation parameter (its name in PascalCase) and a
/// Terraform variable (its name as written). Names and ARNs of the spec use it as `${name}`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParameterSpec {
    /// What the deployer passes in; shown by `aws cloudformation deploy`, the console and
    /// `terraform plan`.
    #[serde(default)]
    pub description: Option<String>,
    /// The kind of value (only `string` today: names and ARNs are text).
    #[serde(default, rename = "type")]
    pub kind: ParameterType,
    /// The value when the deployer gives none. With a default, every field that uses the
    /// parameter is checked with it as `validate` checks any name; without one, only at deploy time.
    #[serde(default)]
    pub default: Option<String>,
    /// The only values the deployer may give (CloudFormation `AllowedValues`, a Terraform
    /// validation); each is checked in every field that uses the parameter.
    #[serde(default)]
    pub allowed: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParameterType {
    #[default]
    String,
}
