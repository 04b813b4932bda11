//! The CIS AWS Foundations Benchmark monitoring controls (v5.0 section 4; v6.0 renumbers them
//! 5.x) as data: each control's id, number, Security Hub control, title and metric filter pattern.
//!
//! Owns the catalog, copied from "aws-cloudtrail-facts" §4 (the CIS benchmark and the Security Hub
//! CloudWatch controls). It must not build resources or names (that is `model`) nor check specs.

use crate::spec::CisId;

/// One CIS monitoring control: a metric filter pattern on CloudTrail events and what it proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    pub id: CisId,
    /// The spec's name for it, as `cis:` lists it.
    pub name: &'static str,
    /// CIS AWS Foundations Benchmark v5.0 recommendation number.
    pub cis: &'static str,
    /// The Security Hub control that checks for the filter and alarm (4.15 has none).
    pub security_hub: Option<&'static str>,
    /// The CIS recommendation's title.
    pub title: &'static str,
    /// CloudWatch Logs filter pattern, exactly as the benchmark gives it.
    pub pattern: &'static str,
}

/// Every control, in benchmark order (the order of `CisId`).
pub const CONTROLS: [Control; 15] = [
    Control {
        id: CisId::UnauthorizedApiCalls,
        name: "unauthorized_api_calls",
        cis: "4.1",
        security_hub: Some("CloudWatch.2"),
        title: "Ensure unauthorized API calls are monitored",
        pattern: r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }"#,
    },
    Control {
        id: CisId::ConsoleSigninWithoutMfa,
        name: "console_signin_without_mfa",
        cis: "4.2",
        security_hub: Some("CloudWatch.3"),
        title: "Ensure management console sign-in without MFA is monitored",
        pattern: r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
    },
    Control {
        id: CisId::RootAccountUsage,
        name: "root_account_usage",
        cis: "4.3",
        security_hub: Some("CloudWatch.1"),
        title: "Ensure usage of the 'root' account is monitored",
        pattern: r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
    },
    Control {
        id: CisId::IamPolicyChanges,
        name: "iam_policy_changes",
        cis: "4.4",
        security_hub: Some("CloudWatch.4"),
        title: "Ensure IAM policy changes are monitored",
        pattern: r#"{ ($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy) }"#,
    },
    Control {
        id: CisId::CloudtrailConfigChanges,
        name: "cloudtrail_config_changes",
        cis: "4.5",
        security_hub: Some("CloudWatch.5"),
        title: "Ensure CloudTrail configuration changes are monitored",
        pattern: r#"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"#,
    },
    Control {
        id: CisId::ConsoleAuthFailures,
        name: "console_auth_failures",
        cis: "4.6",
        security_hub: Some("CloudWatch.6"),
        title: "Ensure AWS Management Console authentication failures are monitored",
        pattern: r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
    },
    Control {
        id: CisId::CmkDisableOrDeletion,
        name: "cmk_disable_or_deletion",
        cis: "4.7",
        security_hub: Some("CloudWatch.7"),
        title: "Ensure disabling or scheduled deletion of customer created CMKs is monitored",
        pattern: r#"{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }"#,
    },
    Control {
        id: CisId::S3BucketPolicyChanges,
        name: "s3_bucket_policy_changes",
        cis: "4.8",
        security_hub: Some("CloudWatch.8"),
        title: "Ensure S3 bucket policy changes are monitored",
        pattern: r#"{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }"#,
    },
    Control {
        id: CisId::ConfigChanges,
        name: "config_changes",
        cis: "4.9",
        security_hub: Some("CloudWatch.9"),
        title: "Ensure AWS Config configuration changes are monitored",
        pattern: r#"{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }"#,
    },
    Control {
        id: CisId::SecurityGroupChanges,
        name: "security_group_changes",
        cis: "4.10",
        security_hub: Some("CloudWatch.10"),
        title: "Ensure security group changes are monitored",
        pattern: r#"{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }"#,
    },
    Control {
        id: CisId::NaclChanges,
        name: "nacl_changes",
        cis: "4.11",
        security_hub: Some("CloudWatch.11"),
        title: "Ensure Network Access Control Lists (NACL) changes are monitored",
        pattern: r#"{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }"#,
    },
    Control {
        id: CisId::NetworkGatewayChanges,
        name: "network_gateway_changes",
        cis: "4.12",
        security_hub: Some("CloudWatch.12"),
        title: "Ensure changes to network gateways are monitored",
        pattern: r#"{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }"#,
    },
    Control {
        id: CisId::RouteTableChanges,
        name: "route_table_changes",
        cis: "4.13",
        security_hub: Some("CloudWatch.13"),
        title: "Ensure route table changes are monitored",
        pattern: r#"{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }"#,
    },
    Control {
        id: CisId::VpcChanges,
        name: "vpc_changes",
        cis: "4.14",
        security_hub: Some("CloudWatch.14"),
        title: "Ensure VPC changes are monitored",
        pattern: r#"{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }"#,
    },
    Control {
        id: CisId::OrganizationsChanges,
        name: "organizations_changes",
        cis: "4.15",
        security_hub: None,
        title: "Ensure AWS Organizations changes are monitored",
        pattern: r#"{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }"#,
    },
];

/// The catalog entry of `id`.
/// A filter pattern without the spaces CloudWatch Logs ignores: the benchmark's patterns are
/// spaced differently across its versions and the anchors, and mean the same.
pub fn squeezed(pattern: &str) -> String {
    pattern.chars().filter(|c| !c.is_whitespace()).collect()
}

pub fn control(id: CisId) -> &'static Control {
    // CONTROLS follows the order of CisId's variants; a test proves it.
    &CONTROLS[id as usize]
}

/// The alarm description: the CIS recommendation and, where there is one, the Security Hub control.
pub fn description(c: &Control) -> String {
    match c.security_hub {
        Some(sh) => format!(
            "CIS AWS Foundations Benchmark v5.0 {} (Security Hub {sh}): {}",
            c.cis, c.title
        ),
        None => format!("CIS AWS Foundations Benchmark v5.0 {}: {}", c.cis, c.title),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_follows_the_id_order_and_spelling() {
        for (i, c) in CONTROLS.iter().enumerate() {
            assert_eq!(c.id as usize, i, "{}", c.name);
            let parsed: CisId =
                serde_json::from_value(serde_json::json!(c.name)).expect("a spec id");
            assert_eq!(parsed, c.id);
            assert_eq!(c.cis, format!("4.{}", i + 1));
            assert_eq!(control(c.id), c);
        }
    }

    #[test]
    fn patterns_fit_cloudwatch_logs() {
        for c in &CONTROLS {
            assert!(c.pattern.len() <= 1024, "{}", c.name);
            assert!(
                c.pattern.starts_with("{ ") && c.pattern.ends_with(" }"),
                "{}",
                c.name
            );
            let opened = c.pattern.matches('(').count();
            assert_eq!(opened, c.pattern.matches(')').count(), "{}", c.name);
        }
    }

    #[test]
    fn security_hub_controls_are_cloudwatch_1_to_14() {
        let mut numbers: Vec<u32> = CONTROLS
            .iter()
            .filter_map(|c| c.security_hub)
            .filter_map(|s| s.strip_prefix("CloudWatch.")?.parse().ok())
            .collect();
        numbers.sort();
        assert_eq!(numbers, (1..=14).collect::<Vec<_>>());
        assert_eq!(control(CisId::OrganizationsChanges).security_hub, None);
        assert_eq!(
            description(control(CisId::RootAccountUsage)),
            "CIS AWS Foundations Benchmark v5.0 4.3 (Security Hub CloudWatch.1): Ensure usage of the 'root' account is monitored"
        );
    }
}
