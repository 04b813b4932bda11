//! The organization layout: which account owns each part of a trail, and what the policies of
//! every part know of the trail wherever they are deployed.
//!
//! Owns the parts (`log-archive`, `management`) and their names in files and flags, and the one
//! `policy::Context` of a spec that `validate` and `model` both use. It must not build resources
//! (that is `model`) nor check the spec (that is `validate`).
//!
//! Facts this rests on ("Organization delegated administrator", "Creating a trail for an
//! organization with the AWS Command Line Interface", CloudTrail User Guide): the management
//! account owns an organization trail whoever created it, so its ARN is
//! `arn:P:cloudtrail:<home_region>:<management>:trail/<name>` and every policy in the log archive
//! account names that ARN literally; `aws:SourceArn` of an organization trail is always a trail ARN
//! of the management account. The `AWS::CloudTrail::Trail` resource schema says
//! `IsOrganizationTrail` "cannot be true unless the call is made on behalf of an AWS account that is
//! the master account", so a CloudFormation management part is deployed in the management account
//! itself, and each part asserts its account.

use crate::policy::Context;
use crate::spec::{KeyAccount, Spec};

/// One output of an organization layout, deployed in the account it is named after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// The bucket, its policy and (by default) the key of the log files. Deployed first: the
    /// trail's creation checks the bucket policy.
    LogArchive,
    /// The trail and what watches it.
    Management,
}

impl Part {
    /// In deploy order.
    pub const ALL: [Part; 2] = [Part::LogArchive, Part::Management];

    /// The part's name in file names and in `--part`.
    pub fn slug(self) -> &'static str {
        match self {
            Part::LogArchive => "log-archive",
            Part::Management => "management",
        }
    }

    /// The part's name in sentences.
    pub fn title(self) -> &'static str {
        match self {
            Part::LogArchive => "log archive",
            Part::Management => "management",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.slug() == slug)
    }

    /// The account the part is deployed to.
    pub fn account(self, spec: &Spec) -> Option<&str> {
        let a = spec.accounts.as_ref()?;
        Some(match self {
            Part::LogArchive => &a.log_archive,
            Part::Management => &a.management,
        })
    }
}

/// The part that owns the key of the log files, in a layout.
pub fn key_part(spec: &Spec) -> Option<Part> {
    spec.accounts.as_ref().map(|a| match a.key {
        KeyAccount::LogArchive => Part::LogArchive,
        KeyAccount::Management => Part::Management,
    })
}

/// The alias of the key the management part keeps for its log group and topics, beside the log
/// files' key `alias` of the log archive part.
pub fn monitoring_alias(alias: &str) -> String {
    format!("{alias}-monitoring")
}

/// The parts of a spec in deploy order; none for a single-account spec.
pub fn parts(spec: &Spec) -> &'static [Part] {
    if spec.accounts.is_some() {
        &Part::ALL
    } else {
        &[]
    }
}

/// What the policies need to know of this spec's trail. In a layout, the trail's account and
/// region are literal in every part, so each policy names the management account's trail exactly.
pub fn policy_context(spec: &Spec) -> Context {
    Context {
        trail_name: spec.trail.name.clone(),
        organization_id: spec.trail.organization.as_ref().map(|o| o.id.clone()),
        prefix: spec.bucket.prefix.clone(),
        writer_accounts: spec.bucket.writer_accounts.clone(),
        trail_home: spec
            .accounts
            .as_ref()
            .zip(spec.trail.home_region.as_ref())
            .map(|(a, region)| (a.management.clone(), region.clone())),
        min_tls_version: spec.bucket.min_tls_version.map(|v| v.number()),
    }
}
