//! AWS's Regions as data, upstream of `validate` (which checks a spec's regions against them)
//! and `model` (which projects a multi-region trail's Athena table over them). It must hold data
//! only.

/// The Regions of the three partitions trailsmith writes for: commercial (`aws`), China
/// (`aws-cn`) and GovCloud (`aws-us-gov`). From "AWS Regions" and its "Document history" in the
/// AWS Regions and Availability Zones guide (formerly the General Reference), looked up on
/// 2026-12-07; the newest listed Region is Asia Pacific (New Zealand), `ap-southeast-6`,
/// launched September 2, 2025. A newer one is written with `allow_new_values` until it is added.
pub const REGIONS: [&str; 38] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-south-1",
    "eu-south-2",
    "eu-north-1",
    "il-central-1",
    "me-south-1",
    "me-central-1",
    "mx-central-1",
    "sa-east-1",
    "cn-north-1",
    "cn-northwest-1",
    "us-gov-west-1",
    "us-gov-east-1",
];
