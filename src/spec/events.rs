//! The `events` section: what a trail records, as the user means it.
//!
//! Owns the intent: management events, data events by resource type and scope, network activity,
//! Insights, and raw advanced selectors as an escape hatch. Choosing basic or advanced selectors
//! and enforcing AWS limits is `selectors`'s job, not this module's.

use schemars::JsonSchema;
use serde::Deserialize;

// Read through `EventsText`, where `management` may be left out (its `Deserialize` below).
/// What the trail records.
#[derive(Debug, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Events {
    /// Management events: `all`, `read_only`, `write_only`, `none`, or a detailed form. Left out,
    /// it is `all`, unless raw `advanced` selectors record management events: then they alone
    /// say which (`none` here), since advanced selectors add up and `all` beside them would
    /// record what they leave out.
    #[serde(default)]
    pub management: Management,
    /// Data events: operations on resources, such as S3 object reads and writes or Lambda
    /// invocations. Billed per event.
    #[serde(default)]
    pub data: Vec<DataEvents>,
    /// Network activity events: calls through VPC endpoints. Billed per event.
    #[serde(default)]
    pub network_activity: Vec<NetworkActivity>,
    /// CloudTrail Insights types, on the events `insight_categories` names.
    #[serde(default)]
    pub insights: Vec<Insight>,
    /// Which events Insights analyze: `management` (the default), `data`, or both. Insights on
    /// data events need data events recorded, and only CloudFormation can ask for them.
    #[serde(default = "management_only")]
    #[schemars(length(min = 1))]
    pub insight_categories: Vec<EventCategory>,
    /// Aggregated events: 5-minute summaries of data events, per template. Only CloudFormation
    /// can ask for them.
    #[serde(default)]
    pub aggregations: Vec<Aggregation>,
    /// Raw advanced event selectors, recorded as written, for what the forms above cannot say.
    #[serde(default)]
    pub advanced: Vec<AdvancedSelectorSpec>,
    /// `auto` (default): basic event selectors when they can say it all, advanced otherwise.
    #[serde(default)]
    pub selector_style: SelectorStyle,
}

impl Default for Events {
    fn default() -> Self {
        Events {
            management: Management::default(),
            data: Vec::new(),
            network_activity: Vec::new(),
            insights: Vec::new(),
            insight_categories: management_only(),
            aggregations: Vec::new(),
            advanced: Vec::new(),
            selector_style: SelectorStyle::default(),
        }
    }
}

/// `events` as written: `management` may be absent, which `Events` cannot say.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EventsText {
    #[serde(default)]
    management: Option<Management>,
    #[serde(default)]
    data: Vec<DataEvents>,
    #[serde(default)]
    network_activity: Vec<NetworkActivity>,
    #[serde(default)]
    insights: Vec<Insight>,
    #[serde(default = "management_only")]
    insight_categories: Vec<EventCategory>,
    #[serde(default)]
    aggregations: Vec<Aggregation>,
    #[serde(default)]
    advanced: Vec<AdvancedSelectorSpec>,
    #[serde(default)]
    selector_style: SelectorStyle,
}

/// The default of `management` is decided here, where a spec is read, so that every reader of a
/// spec (validation, the plan, `explain`, `import` checking what it wrote) sees one answer. Left
/// out beside raw selectors with `eventCategory` Management, it is `none`: a user who writes
/// those selectors is saying which management events to record, and the secure default `all`
/// would record the rest too, silently, because a trail records what any of its advanced
/// selectors match ("Filtering management events" in the CloudTrail User Guide). What they
/// record is still judged (`partial-management-events`, Insights) on the planned selectors.
impl<'de> Deserialize<'de> for Events {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = EventsText::deserialize(d)?;
        let management = t.management.unwrap_or_else(|| {
            if t.advanced
                .iter()
                .any(AdvancedSelectorSpec::records_management)
            {
                Management::Preset(ManagementPreset::None)
            } else {
                Management::default()
            }
        });
        Ok(Events {
            management,
            data: t.data,
            network_activity: t.network_activity,
            insights: t.insights,
            insight_categories: t.insight_categories,
            aggregations: t.aggregations,
            advanced: t.advanced,
            selector_style: t.selector_style,
        })
    }
}

/// Data events of one resource type.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DataEvents {
    /// The resource type (`resources.type`), such as `AWS::S3::Object`, `AWS::Lambda::Function`
    /// or `AWS::DynamoDB::Table`.
    #[serde(rename = "type")]
    #[schemars(pattern(super::patterns::RESOURCE_TYPE))]
    pub resource_type: String,
    /// Every resource of the type in the account (and, for S3, every bucket).
    #[serde(default)]
    pub all: bool,
    /// S3 only: buckets, or `bucket/prefix` for the objects under a prefix.
    #[serde(default)]
    pub buckets: Vec<String>,
    /// Resources by exact ARN.
    #[serde(default)]
    pub arns: Vec<String>,
    /// Resources whose ARN starts with one of these.
    #[serde(default)]
    pub arn_prefixes: Vec<String>,
    /// Which operations (default all).
    #[serde(default = "all")]
    pub read_write: ReadWrite,
    /// Record only these API operations, or all but these.
    #[serde(default)]
    pub event_names: Option<EventNames>,
    /// With `all: true` on `AWS::S3::Object`: also record the trail's own bucket. Off by default,
    /// because each delivery would be recorded and delivered again.
    #[serde(default)]
    pub include_trail_bucket: bool,
}

/// API operations (`eventName`) to keep or leave out.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventNames {
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// Network activity events of one service.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkActivity {
    /// The service whose VPC endpoint calls are recorded, such as `kms.amazonaws.com`
    /// ("Logging network activity events" lists them; the list grows: a source trailsmith does
    /// not know is a warning, one edit from a known one an error).
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$"))]
    pub source: String,
    /// Record only calls a VPC endpoint policy denied (`errorCode` VpceAccessDenied).
    #[serde(default)]
    pub vpce_access_denied_only: bool,
    /// Only calls through these VPC endpoints (`vpce-...`).
    #[serde(default)]
    pub vpc_endpoint_ids: Vec<String>,
}

/// An advanced event selector as the CloudTrail API takes it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "AdvancedSelector")]
pub struct AdvancedSelectorSpec {
    /// A name for people reading the trail.
    #[serde(default)]
    pub name: Option<String>,
    /// Conditions that must all hold.
    pub field_selectors: Vec<FieldSelector>,
}

impl AdvancedSelectorSpec {
    /// Whether it selects management events (`eventCategory` equals `Management`).
    pub fn records_management(&self) -> bool {
        self.field_selectors
            .iter()
            .any(|f| f.field == "eventCategory" && f.equals.iter().any(|v| v == "Management"))
    }
}

/// One condition of an advanced event selector.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSelector {
    /// `eventCategory`, `eventSource`, `eventName`, `eventType`, `readOnly`, `resources.type`,
    /// `resources.ARN`, `errorCode`, `sessionCredentialFromConsole`, `userIdentity.arn` or
    /// `vpcEndpointId`.
    pub field: String,
    #[serde(default)]
    pub equals: Vec<String>,
    #[serde(default)]
    pub not_equals: Vec<String>,
    #[serde(default)]
    pub starts_with: Vec<String>,
    #[serde(default)]
    pub not_starts_with: Vec<String>,
    #[serde(default)]
    pub ends_with: Vec<String>,
    #[serde(default)]
    pub not_ends_with: Vec<String>,
}

impl FieldSelector {
    /// The six operators with their values, in the API's order.
    pub fn operators(&self) -> [(Operator, &[String]); 6] {
        [
            (Operator::Equals, &self.equals),
            (Operator::NotEquals, &self.not_equals),
            (Operator::StartsWith, &self.starts_with),
            (Operator::NotStartsWith, &self.not_starts_with),
            (Operator::EndsWith, &self.ends_with),
            (Operator::NotEndsWith, &self.not_ends_with),
        ]
    }
}

/// A field selector operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Operator {
    Equals,
    NotEquals,
    StartsWith,
    NotStartsWith,
    EndsWith,
    NotEndsWith,
}

impl Operator {
    /// The spec's (and Terraform's) snake_case name.
    pub fn snake(self) -> &'static str {
        match self {
            Operator::Equals => "equals",
            Operator::NotEquals => "not_equals",
            Operator::StartsWith => "starts_with",
            Operator::NotStartsWith => "not_starts_with",
            Operator::EndsWith => "ends_with",
            Operator::NotEndsWith => "not_ends_with",
        }
    }
}

/// How the trail's event selectors are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SelectorStyle {
    #[default]
    Auto,
    Basic,
    Advanced,
}

/// Management events.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Management {
    Preset(ManagementPreset),
    Detailed(ManagementDetail),
}

impl Default for Management {
    fn default() -> Self {
        Management::Preset(ManagementPreset::All)
    }
}

/// A management events preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ManagementPreset {
    All,
    ReadOnly,
    WriteOnly,
    None,
}

/// Management events with sources left out.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagementDetail {
    /// Which management events (default all).
    #[serde(default = "all")]
    pub read_write: ReadWrite,
    /// Event sources to leave out: only `kms.amazonaws.com` and `rdsdata.amazonaws.com` can be.
    #[serde(default)]
    pub exclude_sources: Vec<String>,
}

/// Read, write or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadWrite {
    All,
    ReadOnly,
    WriteOnly,
}

/// An Insights type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Insight {
    ApiCallRate,
    ApiErrorRate,
}

/// A category of events Insights analyze or aggregation summarizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventCategory {
    Management,
    Data,
}

/// One aggregation configuration ("AggregationConfiguration" in the CloudTrail API reference).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Aggregation {
    /// The events summarized: `data` (the default), the only category CloudTrail aggregates.
    #[serde(default)]
    pub category: AggregatedCategory,
    /// The summaries: `api_activity` (per API call), `resource_access` (per resource),
    /// `user_actions` (per IAM principal).
    #[schemars(length(min = 1))]
    pub templates: Vec<AggregationTemplate>,
}

/// The category aggregation summarizes ("AggregationConfiguration": `Data` only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AggregatedCategory {
    #[default]
    Data,
}

/// An aggregation template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AggregationTemplate {
    ApiActivity,
    ResourceAccess,
    UserActions,
}

fn management_only() -> Vec<EventCategory> {
    vec![EventCategory::Management]
}

fn all() -> ReadWrite {
    ReadWrite::All
}
