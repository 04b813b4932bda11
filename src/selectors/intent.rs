//! The spec's event words as both selector forms read them: which management events are asked
//! for, whether "all S3 objects" leaves out the trail's own bucket, and a bucket as an ARN prefix.
//!
//! `explain` asks the same questions here, so its words follow the rule the plan follows. It must
//! not build selectors (that is `basic` and `advanced`) or judge them.

use crate::expr::Expr;
use crate::spec::{DataEvents, Management, ManagementPreset, ReadWrite};

/// Which management events the `management` word asks for, if any, with the sources left out.
pub fn management(m: &Management) -> Option<(ReadWrite, Vec<String>)> {
    match m {
        Management::Preset(ManagementPreset::None) => None,
        Management::Preset(ManagementPreset::All) => Some((ReadWrite::All, Vec::new())),
        Management::Preset(ManagementPreset::ReadOnly) => Some((ReadWrite::ReadOnly, Vec::new())),
        Management::Preset(ManagementPreset::WriteOnly) => Some((ReadWrite::WriteOnly, Vec::new())),
        Management::Detailed(d) => Some((d.read_write, d.exclude_sources.clone())),
    }
}

pub(super) fn is_s3(d: &DataEvents) -> bool {
    d.resource_type == "AWS::S3::Object"
}

/// `all: true` on S3 objects, minus the trail's own bucket.
pub(crate) fn excludes_trail_bucket(d: &DataEvents) -> bool {
    is_s3(d) && d.all && !d.include_trail_bucket
}

/// `bucket` or `bucket/prefix` as the object ARN prefix S3 data events match.
pub(super) fn bucket_prefix(entry: &str) -> Expr {
    let path = if entry.contains('/') {
        entry.to_string()
    } else {
        format!("{entry}/")
    };
    Expr::arn("s3", None, None, Expr::lit(path))
}
