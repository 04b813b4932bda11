//! Unit tests of the policy documents: who may do what, and that every service is scoped.

use super::*;

fn ctx() -> Context {
    Context {
        trail_name: "audit".into(),
        organization_id: None,
        prefix: Some("logs".into()),
        writer_accounts: Vec::new(),
        trail_home: None,
        min_tls_version: None,
    }
}

fn sids(p: &Policy) -> Vec<&str> {
    p.statements.iter().map(|s| s.sid).collect()
}

#[test]
fn every_service_statement_is_scoped_to_the_trail_an_alarm_or_an_encryption_context() {
    let mut c = ctx();
    c.organization_id = Some("o-a1b2c3d4e5".into());
    c.writer_accounts = vec!["111122223333".into()];
    let users = KeyUsers {
        log_group: Some("g".into()),
        topic: Some("t".into()),
        alarm_topic: Some("a".into()),
        bucket_key: true,
        ..KeyUsers::default()
    };
    c.min_tls_version = Some("1.2");
    let mut services = Vec::new();
    for policy in [
        bucket_policy(&c),
        key_policy(&c, &users),
        topic_policy(&c, true),
        alerts_topic_policy(),
        logs_role_trust(&c),
    ] {
        for s in &policy.statements {
            if let Principal::Service(service) = &s.principal {
                services.push(service.clone());
                assert!(
                    s.conditions
                        .iter()
                        .any(|c| c.key == "aws:SourceArn"
                            || c.key.starts_with("kms:EncryptionContext:")),
                    "{} is not scoped",
                    s.sid
                );
            }
        }
    }
    // The test must see every service the policies name, or it proves nothing about them.
    for service in [cloudtrail(), cloudwatch()] {
        let Principal::Service(name) = service else {
            unreachable!()
        };
        assert!(services.contains(&name), "{name:?} not covered");
    }
}

#[test]
fn alarms_may_publish_only_from_this_account_and_region() {
    let p = alerts_topic_policy();
    assert_eq!(sids(&p), ["AllowCloudWatchAlarmsPublish"]);
    let s = &p.statements[0];
    assert_eq!(s.principal, cloudwatch());
    assert_eq!(s.actions, ["sns:Publish"]);
    assert_eq!(s.resources, [Expr::Attr(Res::AlertsTopic, Attr::Arn)]);
    assert_eq!(
        s.conditions,
        [cond(
            "ArnLike",
            "aws:SourceArn",
            vec![Expr::Join(vec![
                Expr::lit("arn:"),
                Expr::Partition,
                Expr::lit(":cloudwatch:"),
                Expr::Region,
                Expr::lit(":"),
                Expr::Account,
                Expr::lit(":alarm:*"),
            ])]
        )]
    );
    assert_eq!(
        sids(&topic_policy(&ctx(), false)),
        ["AWSCloudTrailSNSPolicy"]
    );
    let delivery = topic_policy(&ctx(), true);
    assert_eq!(
        sids(&delivery),
        ["AWSCloudTrailSNSPolicy", "AllowCloudWatchAlarmsPublish"]
    );
    assert_eq!(
        delivery.statements[1].resources,
        [Expr::Attr(Res::Topic, Attr::Arn)]
    );
}

#[test]
fn the_key_serves_alarms_only_for_the_one_topic_by_name() {
    let users = KeyUsers {
        alarm_topic: Some("audit-alarms".into()),
        ..KeyUsers::default()
    };
    let p = key_policy(&ctx(), &users);
    let s = p
        .statements
        .iter()
        .find(|s| s.sid == "AllowCloudWatchAlarmsEncryptedTopic")
        .expect("statement");
    assert_eq!(s.principal, cloudwatch());
    assert_eq!(s.actions, ["kms:GenerateDataKey*", "kms:Decrypt"]);
    assert_eq!(
        s.conditions,
        [cond(
            "StringEquals",
            "kms:EncryptionContext:aws:sns:topicArn",
            vec![Expr::Join(vec![
                Expr::lit("arn:"),
                Expr::Partition,
                Expr::lit(":sns:"),
                Expr::Region,
                Expr::lit(":"),
                Expr::Account,
                Expr::lit(":audit-alarms"),
            ])]
        )]
    );
}

#[test]
fn bucket_policy_has_the_documented_statements() {
    assert_eq!(
        sids(&bucket_policy(&ctx())),
        [
            "AWSCloudTrailAclCheck",
            "AWSCloudTrailWrite",
            "DenyInsecureTransport"
        ]
    );
    let write = &bucket_policy(&ctx()).statements[1];
    assert_eq!(
        write.resources[0],
        Expr::Join(vec![
            Expr::Attr(Res::Bucket, Attr::Arn),
            Expr::lit("/logs/AWSLogs/"),
            Expr::Account,
            Expr::lit("/*")
        ])
    );
    let mut org = ctx();
    org.organization_id = Some("o-a1b2c3d4e5".into());
    org.prefix = None;
    let p = bucket_policy(&org);
    assert_eq!(p.statements[2].sid, "AWSCloudTrailOrganizationWrite");
    assert_eq!(
        p.statements[2].resources[0].parts()[1],
        Expr::lit("/AWSLogs/o-a1b2c3d4e5/*")
    );
}

#[test]
fn key_policy_grants_only_what_is_used() {
    assert_eq!(
        sids(&key_policy(&ctx(), &KeyUsers::default())),
        [
            "EnableRootAccess",
            "AllowCloudTrailEncrypt",
            "AllowCloudTrailDescribe"
        ]
    );
    let users = KeyUsers {
        admins: vec!["arn:aws:iam::111122223333:role/Admin".into()],
        decrypt_principals: vec!["arn:aws:iam::111122223333:role/Audit".into()],
        log_group: Some("CloudTrail/audit".into()),
        topic: Some("audit-delivery".into()),
        alarm_topic: Some("audit-delivery".into()),
        events_topic: Some("audit-delivery".into()),
        monitoring_only: false,
        bucket_key: false,
    };
    assert_eq!(
        sids(&key_policy(&ctx(), &users)),
        [
            "EnableRootAccess",
            "KeyAdministrators",
            "AllowCloudTrailEncrypt",
            "AllowCloudTrailDescribe",
            "AllowLogFileDecryption",
            "AllowCloudWatchLogs",
            "AllowCloudTrailEncryptedTopic",
            "AllowCloudWatchAlarmsEncryptedTopic",
            "AllowEventBridgeEncryptedTopic"
        ]
    );
}

#[test]
fn only_the_named_rules_may_make_eventbridge_publish() {
    let p = alerts_topic_policy_for(false, &["audit-root-activity".to_string()]);
    assert_eq!(p.statements.len(), 1);
    let s = &p.statements[0];
    assert_eq!(
        (s.sid, &s.actions[..]),
        ("AllowEventBridgeRulesPublish", &["sns:Publish"][..])
    );
    assert_eq!(
        s.principal,
        Principal::Service(Expr::lit("events.amazonaws.com"))
    );
    assert_eq!(
        (s.conditions[0].test, s.conditions[0].key),
        ("ArnEquals", "aws:SourceArn")
    );
    assert_eq!(s.conditions[0].values, [rule_arn("audit-root-activity")]);
    let both = alerts_topic_policy_for(true, &["r".to_string()]);
    let sids: Vec<&str> = both.statements.iter().map(|s| s.sid).collect();
    assert_eq!(
        sids,
        [
            "AllowCloudWatchAlarmsPublish",
            "AllowEventBridgeRulesPublish"
        ]
    );
}

#[test]
fn writer_accounts_may_encrypt_and_describe_as_their_own_trails_only() {
    let mut c = ctx();
    c.writer_accounts = vec!["111122223333".into()];
    let p = key_policy(&c, &KeyUsers::default());
    let writer_trails = vec![Expr::Join(vec![
        Expr::lit("arn:"),
        Expr::Partition,
        Expr::lit(":cloudtrail:*:111122223333:trail/*"),
    ])];
    let grants: Vec<(&str, &[&str], &Condition)> = p
        .statements
        .iter()
        .filter_map(|s| {
            let c = s.conditions.iter().find(|c| c.key == "aws:SourceArn")?;
            (c.values == writer_trails).then_some((s.sid, s.actions.as_slice(), c))
        })
        .collect();
    let actions: Vec<&str> = grants.iter().flat_map(|g| g.1.iter().copied()).collect();
    assert_eq!(actions, ["kms:GenerateDataKey*", "kms:DescribeKey"]);
    assert!(grants.iter().all(|g| g.2.test == "ArnLike"));
    assert!(p
        .statements
        .iter()
        .all(|s| s.principal != cloudtrail() || !s.conditions.is_empty()));
}

#[test]
fn organization_streams_are_allowed() {
    let mut c = ctx();
    c.organization_id = Some("o-a1b2c3d4e5".into());
    let group = Expr::lit("arn:aws:logs:eu-west-1:111122223333:log-group:g");
    let p = logs_role_policy(&c, &group);
    assert_eq!(p.statements[0].resources.len(), 2);
    assert_eq!(
        p.statements[0].resources[1],
        Expr::lit("arn:aws:logs:eu-west-1:111122223333:log-group:g:log-stream:o-a1b2c3d4e5_*")
    );
}

#[test]
fn a_minimum_tls_version_denies_every_older_request_on_bucket_and_objects() {
    let mut c = ctx();
    assert!(!sids(&bucket_policy(&c)).contains(&"DenyOutdatedTls"));
    c.min_tls_version = Some("1.2");
    let p = bucket_policy(&c);
    let deny = p
        .statements
        .iter()
        .find(|s| s.sid == "DenyOutdatedTls")
        .expect("the TLS deny");
    assert_eq!(deny.effect, Effect::Deny);
    assert_eq!(deny.principal, Principal::Everyone);
    assert_eq!(deny.actions, ["s3:*"]);
    assert_eq!(deny.resources.len(), 2, "the bucket and its objects");
    assert_eq!(
        deny.conditions,
        [cond(
            "NumericLessThan",
            "s3:TlsVersion",
            vec![Expr::lit("1.2")]
        )]
    );
}

#[test]
fn a_bucket_key_lets_cloudtrail_decrypt_as_this_trail_and_the_writer_accounts_trails() {
    let mut c = ctx();
    c.writer_accounts = vec!["111122223333".into()];
    let users = KeyUsers {
        bucket_key: true,
        ..KeyUsers::default()
    };
    let p = key_policy(&c, &users);
    let own = p
        .statements
        .iter()
        .find(|s| s.sid == "AllowCloudTrailDecryptBucketKey")
        .expect("CloudTrail's decrypt");
    assert_eq!(own.actions, ["kms:Decrypt"]);
    assert_eq!(own.conditions, [c.source_is_trail()]);
    assert!(sids(&p).contains(&"AllowCloudTrailDecryptBucketKeyWriterAccounts"));
    assert!(!sids(&key_policy(&c, &KeyUsers::default()))
        .iter()
        .any(|s| s.starts_with("AllowCloudTrailDecrypt")));
}
