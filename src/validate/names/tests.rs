use super::*;

#[test]
fn trail_names() {
    for good in ["abc", "org-audit", "a.b_c-d", "Trail1", &"a".repeat(128)] {
        assert!(trail_name(good).is_ok(), "{good}");
    }
    for bad in [
        "ab",
        "-abc",
        "abc-",
        "a--b",
        "a._b",
        "a b",
        "192.168.1.1",
        &"a".repeat(129),
        "ünï",
    ] {
        assert!(trail_name(bad).is_err(), "{bad}");
    }
}

#[test]
fn bucket_names() {
    for good in ["abc", "acme-audit-logs", "a.b-c", "123"] {
        assert!(bucket_name(good).is_ok(), "{good}");
    }
    for bad in [
        "ab",
        "Abc",
        "a_b",
        "a..b",
        "-ab",
        "ab-",
        "10.0.0.1",
        "xn--abc",
        "sthree-x",
        "amzn-s3-demo-x",
        "x-s3alias",
        "x--ol-s3",
        "x.mrap",
        "x--x-s3",
        "x--table-s3",
    ] {
        assert!(bucket_name(bad).is_err(), "{bad}");
    }
    assert!(bucket_name(&"a".repeat(64)).is_err());
}

#[test]
fn aliases_topics_groups() {
    assert!(kms_alias("alias/org-audit").is_ok());
    assert!(kms_alias("alias/aws/s3").is_err());
    assert!(kms_alias("org-audit").is_err());
    assert!(kms_alias("alias/").is_err());
    assert!(kms_alias("alias/a.b").is_err());
    assert!(topic_name("org-audit_delivery").is_ok());
    assert!(topic_name("a.b").is_err());
    assert!(topic_name("").is_err());
    assert!(log_group_name("CloudTrail/org-audit#1").is_ok());
    assert!(log_group_name("a b").is_err());
}

#[test]
fn retention_suggests_the_nearest_value() {
    use crate::spec::{NeverKeyword, RetentionSpec};
    assert!(retention_days(RetentionSpec::Days(365)).is_ok());
    assert!(retention_days(RetentionSpec::Never(NeverKeyword::Never)).is_ok());
    let err = retention_days(RetentionSpec::Days(366)).unwrap_err();
    assert!(err.contains("nearest allowed: 365"), "{err}");
}

#[test]
fn ids_and_regions() {
    assert!(organization_id("o-a1b2c3d4e5").is_ok());
    assert!(organization_id("o-short").is_err());
    assert!(organization_id("o-A1B2C3D4E5").is_err());
    assert!(account_id("111122223333").is_ok());
    assert!(account_id("11112222333").is_err());
    for good in ["eu-west-1", "us-gov-west-1", "cn-north-1", "ap-southeast-5"] {
        assert!(region(good).is_ok(), "{good}");
    }
    for bad in ["eu-west", "EU-west-1", "euwest1", "eu--1"] {
        assert!(region(bad).is_err(), "{bad}");
    }
}

#[test]
fn arns() {
    assert!(arn(
        "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "kms",
        &["key", "alias"]
    )
    .is_ok());
    assert!(arn(
        "arn:aws-us-gov:sns:us-gov-west-1:111122223333:topic",
        "sns",
        &[]
    )
    .is_ok());
    assert!(arn("arn:aws:sns:us-east-1:111122223333:", "sns", &[]).is_err());
    assert!(arn("arn:aws:iam::111122223333:role/Audit", "iam", &["role"]).is_ok());
    assert!(arn(
        "arn:aws:iam::111122223333:root",
        "iam",
        &["root", "role", "user"]
    )
    .is_ok());
    assert!(arn(
        "arn:aws:iam::111122223333:group/x",
        "iam",
        &["root", "role", "user"]
    )
    .is_err());
    assert!(arn(
        "arn:aws:kms:eu-west-1:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "kms",
        &["key"]
    )
    .is_err());
    assert!(arn(
        "arn:aws:iam:eu-west-1:111122223333:role/x",
        "iam",
        &["role"]
    )
    .is_err());
}

/// The name inside the ARN follows the rules of the API that makes the resource, so text a
/// resource cannot have (template code among it) is refused where it is written.
#[test]
fn arn_resource_names() {
    let ok = |value: &str, service: &str, kinds: &[&str]| arn(value, service, kinds).is_ok();
    assert!(ok(
        "arn:aws:sns:eu-west-1:111122223333:alerts_2-x",
        "sns",
        &[]
    ));
    assert!(ok(
        "arn:aws:sns:eu-west-1:111122223333:alerts.fifo",
        "sns",
        &[]
    ));
    assert!(!ok(
        "arn:aws:sns:eu-west-1:111122223333:a${file(\"/etc/passwd\")}",
        "sns",
        &[]
    ));
    assert!(ok(
        "arn:aws:iam::111122223333:role/team/a+b=c,d.e@f_g-h",
        "iam",
        &["role"]
    ));
    assert!(ok(
        "arn:aws:iam::111122223333:role/team~ops#1/Admin",
        "iam",
        &["role"]
    ));
    assert!(!ok(
        "arn:aws:iam::111122223333:role/team/Ad#min",
        "iam",
        &["role"]
    ));
    assert!(!ok(
        "arn:aws:iam::111122223333:role/&{aws:username}/Admin",
        "iam",
        &["role"]
    ));
    assert!(!ok(
        &format!("arn:aws:sqs:eu-west-1:111122223333:{}.fifo", "q".repeat(76)),
        "sqs",
        &[]
    ));
    assert!(!ok(
        "arn:aws:iam::111122223333:role/Audit%{ if true }x%{ endif }",
        "iam",
        &["role"]
    ));
    assert!(!ok(
        &format!("arn:aws:iam::111122223333:role/{}", "r".repeat(65)),
        "iam",
        &["role"]
    ));
    assert!(ok(
        "arn:aws:logs:eu-west-1:111122223333:log-group:Central/CloudTrail:*",
        "logs",
        &["log-group"]
    ));
    assert!(!ok(
        "arn:aws:logs:eu-west-1:111122223333:log-group:a${x}:*",
        "logs",
        &["log-group"]
    ));
    assert!(ok(
        "arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
        "kms",
        &["key"]
    ));
    assert!(ok(
        "arn:aws:kms:eu-west-1:111122223333:alias/org-audit",
        "kms",
        &["key", "alias"]
    ));
    assert!(!ok(
        "arn:aws:kms:eu-west-1:111122223333:key/abcd",
        "kms",
        &["key"]
    ));
    assert!(ok(
        "arn:aws:sqs:eu-west-1:111122223333:alerts-queue",
        "sqs",
        &[]
    ));
    assert!(!ok("arn:aws:sqs:eu-west-1:111122223333:a/b", "sqs", &[]));
    assert!(ok(
        "arn:aws:lambda:eu-west-1:111122223333:function:notify:live",
        "lambda",
        &["function"]
    ));
    assert!(!ok(
        "arn:aws:lambda:eu-west-1:111122223333:function:no${t}",
        "lambda",
        &["function"]
    ));
}

#[test]
fn metrics_and_patterns() {
    assert!(metric_name("UnauthorizedApiCalls").is_ok());
    assert!(metric_name("a:b").is_err() && metric_name("").is_err());
    assert!(metric_name(&"m".repeat(256)).is_err());
    assert!(metric_namespace("CloudTrailMetrics").is_ok());
    assert!(metric_namespace("Security/Trail").is_ok());
    assert!(metric_namespace("AWS/CloudTrail").is_err());
    assert!(metric_namespace("a$b").is_err());
    for good in [
        "{ $.eventName = DeleteBucket }",
        r#"{ ($.a = "x)(") && ($.b = "\"}") }"#,
        "ERROR",
        "",
    ] {
        assert!(filter_pattern(good).is_ok(), "{good}");
    }
    for bad in [
        "{ $.eventName = DeleteBucket",
        "{ ($.a = 1) }}",
        "{ ($.a = 1 }",
        r#"{ $.a = "x }"#,
    ] {
        assert!(filter_pattern(bad).is_err(), "{bad}");
    }
    assert!(filter_pattern(&"x".repeat(1025)).is_err());
}

#[test]
fn access_log_prefixes() {
    for good in ["cloudtrail/", "source=cloudtrail/", "logs/2026/", "a$b", ""] {
        assert!(access_log_prefix(good).is_ok(), "{good}");
    }
    for bad in [
        "${file(\"/etc/passwd\")}",
        "a%{x}",
        "x~y",
        "é/",
        &"p".repeat(861),
    ] {
        assert!(access_log_prefix(bad).is_err(), "{bad}");
    }
}

#[test]
fn tags() {
    assert!(tag_key("team").is_ok() && tag_value("security ops").is_ok());
    assert!(tag_key("aws:x").is_err());
    assert!(tag_key("").is_err());
    assert!(tag_value("a;b").is_err());
    assert!(tag_value(&"v".repeat(257)).is_err());
}

#[test]
fn role_names() {
    for good in ["r", "CloudTrail_Logs+=,.@-1", &"a".repeat(64)] {
        assert!(role_name(good).is_ok(), "{good}");
    }
    for bad in ["", &"a".repeat(65), "a b", "a/b", "a:b", "ünï", "a\nb"] {
        assert!(role_name(bad).is_err(), "{bad}");
    }
}

#[test]
fn iam_paths() {
    for good in [
        "/",
        "/service-role/",
        "/a/b/c/",
        "/!~#/",
        &format!("/{}/", "a".repeat(510)),
    ] {
        assert!(iam_path(good).is_ok(), "{good}");
    }
    for bad in [
        "",
        "service-role/",
        "/service-role",
        "/a b/",
        "/ünï/",
        "/a&{aws:username}/",
        &format!("/{}/", "a".repeat(511)),
    ] {
        assert!(iam_path(bad).is_err(), "{bad}");
    }
}

#[test]
fn managed_policy_arns() {
    for good in [
        "arn:aws:iam::111122223333:policy/Boundary",
        "arn:aws:iam::111122223333:policy/platform/boundaries/Boundary",
        "arn:aws-us-gov:iam::111122223333:policy/B",
        "arn:aws:iam::aws:policy/PowerUserAccess",
    ] {
        assert!(managed_policy_arn(good).is_ok(), "{good}");
    }
    for bad in [
        "Boundary",
        "arn:aws:iam::111122223333:role/Boundary",
        "arn:aws:iam:eu-west-1:111122223333:policy/Boundary",
        "arn:aws:iam::11112222333:policy/Boundary",
        "arn:aws:s3::111122223333:policy/Boundary",
        "arn:aws:iam::111122223333:policy/",
        "arn:aws:iam::111122223333:policy/a b",
        "arn:aws:iam::111122223333:policy/x&{y}/B",
        &format!("arn:aws:iam::111122223333:policy/{}", "a".repeat(129)),
    ] {
        assert!(managed_policy_arn(bad).is_err(), "{bad}");
    }
}
