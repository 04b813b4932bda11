use super::*;

fn model(text: &str) -> Model {
    let (spec, selectors) = crate::validate::valid(text);
    lower(&spec, selectors)
}

#[test]
fn silence_means_secure_defaults() {
    let m = model("version: 1\ntrail: {name: org.audit}\n");
    let t = m.trail.clone().expect("a trail");
    assert!(t.multi_region && t.global_service_events && t.log_file_validation);
    let key = m.key.expect("a key by default");
    assert_eq!(key.alias, "alias/cloudtrail/org-audit");
    assert_eq!(key.deletion_window_days, 30);
    assert_eq!(
        m.topic.expect("a topic by default").name,
        "org-audit-delivery"
    );
    let group = m.log_group.expect("a log group by default");
    assert_eq!(
        (group.name.verbatim(), group.retention),
        ("CloudTrail/org.audit", Retention::Days(365))
    );
    assert!(group.kms_key.is_some());
    let bucket = m.bucket.expect("a bucket by default");
    assert!(bucket.versioning && matches!(bucket.encryption, Encryption::Kms(_)));
    assert_eq!(
        t.depends_on,
        vec![Res::BucketPolicy, Res::Key, Res::TopicPolicy, Res::LogsRole]
    );
}

#[test]
fn the_bucket_and_key_carry_their_hardening() {
    let m = model("version: 1\ntrail: {name: team1}\n");
    let b = m.bucket.expect("a bucket");
    assert_eq!(b.public_access_block, PublicAccessBlock::ALL);
    assert_eq!(b.object_ownership, ObjectOwnership::BucketOwnerEnforced);
    assert_eq!(b.encryption.algorithm(), "aws:kms");
    assert!(m.key.expect("a key").rotation);
    let plain = model("version: 1\ntrail: {name: team1}\nkms: false\n");
    let b = plain.bucket.expect("a bucket");
    assert_eq!(
        (b.encryption.algorithm(), b.encryption.key()),
        ("AES256", None)
    );
}

#[test]
fn old_versions_expire_only_where_expiry_leaves_them() {
    let rule = |bucket: &str| {
        model(&format!(
            "version: 1\ntrail: {{name: team1}}\nbucket: {bucket}\n"
        ))
        .bucket
        .expect("a bucket")
        .lifecycle
    };
    let kept = rule("{}");
    assert_eq!(
        (kept.id, kept.transition, kept.expiration_days),
        ("log-files", None, None)
    );
    assert_eq!(kept.noncurrent_expiration_days, None);
    assert_eq!(
        kept.abort_incomplete_upload_days,
        ABORT_INCOMPLETE_UPLOAD_DAYS
    );
    let versioned = rule("{lifecycle: {archive_after_days: 90, expire_after_days: 400}}");
    assert_eq!(
        versioned.transition,
        Some(Transition {
            days: 90,
            storage_class: StorageClass::Glacier
        })
    );
    assert_eq!(versioned.expiration_days, Some(400));
    assert_eq!(
        versioned.noncurrent_expiration_days,
        Some(NONCURRENT_VERSION_DAYS)
    );
    let unversioned = rule("{versioning: false, lifecycle: {expire_after_days: 400}}");
    assert_eq!(unversioned.noncurrent_expiration_days, None);
}

#[test]
fn existing_resources_are_referenced_not_created() {
    let m = model(
            "version: 1\ntrail: {name: team1}\nbucket: {existing: true, name: central-logs}\n\
             kms: {key_arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'}\nsns: false\n\
             cloudwatch_logs: {log_group_arn: 'arn:aws:logs:eu-west-1:111122223333:log-group:g:*', role_arn: 'arn:aws:iam::111122223333:role/r'}\n",
        );
    assert!(
        m.bucket.is_none()
            && m.key.is_none()
            && m.topic.is_none()
            && m.log_group.is_none()
            && m.logs_role.is_none()
    );
    let t = m.trail.expect("a trail");
    assert_eq!(t.bucket_name, Expr::lit("central-logs"));
    assert_eq!(
        t.cloudwatch_logs.map(|c| c.0),
        Some(Expr::lit(
            "arn:aws:logs:eu-west-1:111122223333:log-group:g:*"
        ))
    );
    assert!(t.depends_on.is_empty());
    assert!(t.sns_topic.is_none());
}

#[test]
fn kms_false_leaves_everything_on_sse_s3() {
    let m = model("version: 1\ntrail: {name: team1}\nkms: false\n");
    assert!(m.key.is_none() && m.trail.expect("trail").kms_key.is_none());
    assert_eq!(m.bucket.expect("bucket").encryption, Encryption::S3);
    assert!(m.topic.expect("topic").kms_key.is_none());
    assert!(m.log_group.expect("group").kms_key.is_none());
}
const LAYOUT: &str = "version: 1\ntrail: {name: org-audit, home_region: eu-west-1}\n\
        accounts: {log_archive: '111111111111', management: '222222222222'}\n\
        bucket: {name: org-logs}\nkms: {decrypt_principals: ['arn:aws:iam::111111111111:role/Reader']}\n";

fn parts(text: &str) -> (Model, Model) {
    let (spec, selectors) = crate::validate::valid(text);
    let mut all = lower_all(&spec, selectors).into_iter();
    match (all.next(), all.next(), all.next()) {
        (Some(la), Some(m), None) => (la, m),
        _ => panic!("a layout has two parts"),
    }
}

fn sids(p: &Policy) -> Vec<&'static str> {
    p.statements.iter().map(|s| s.sid).collect()
}

#[test]
fn the_log_archive_keeps_the_bucket_and_key_and_the_management_part_the_trail() {
    let (la, m) = parts(LAYOUT);
    assert_eq!(
        (la.part, m.part),
        (Some(Part::LogArchive), Some(Part::Management))
    );
    assert_eq!(
        la.account.as_ref().map(Text::verbatim),
        Some("111111111111")
    );
    assert!(la.trail.is_none() && la.topic.is_none() && la.log_group.is_none());
    let key = la.key.expect("the log files' key");
    assert!(sids(&key.policy).contains(&"AllowCloudTrailEncrypt"));
    assert!(sids(&key.policy).contains(&"AllowLogFileDecryption"));
    assert!(m.bucket.is_none());
    let t = m.trail.expect("the trail");
    assert_eq!(t.bucket_name, Expr::lit("org-logs"));
    assert_eq!(t.kms_key, Some(Expr::Input(Input::KmsKeyArn)));
    assert!(!t.depends_on.contains(&Res::BucketPolicy));
    assert_eq!(m.inputs.len(), 1);
    assert!(m.inputs[0]
        .pattern
        .contains(":kms:eu-west-1:111111111111:key/"));
    // The management account's own key serves its log group and topics, not the log files.
    let own = m.key.expect("a key for the log group and topics");
    assert_eq!(own.alias, "alias/cloudtrail/org-audit-monitoring");
    let own_sids = sids(&own.policy);
    assert!(own_sids.contains(&"AllowCloudWatchLogs"));
    assert!(!own_sids.contains(&"AllowCloudTrailEncrypt"));
    assert!(!own_sids.contains(&"AllowLogFileDecryption"));
    assert!(m.outputs.iter().any(|o| o.name == "monitoring_key_arn"));
    assert!(!m.outputs.iter().any(|o| o.name == "kms_key_arn"));
}

#[test]
fn a_key_in_the_management_account_serves_everything_there() {
    let (la, m) = parts(&LAYOUT.replace(
        "management: '222222222222'}",
        "management: '222222222222', key: management}",
    ));
    assert!(la.key.is_none());
    assert_eq!(
        la.bucket.expect("bucket").encryption,
        Encryption::AwsManagedKms
    );
    let key = m.key.expect("the log files' key");
    assert!(sids(&key.policy).contains(&"AllowCloudTrailEncrypt"));
    assert!(sids(&key.policy).contains(&"AllowLogFileDecryption"));
    assert_eq!(
        m.trail.expect("trail").kms_key,
        Some(Expr::Attr(Res::Key, Attr::Arn))
    );
    assert!(m.inputs.is_empty());
}

#[test]
fn without_kms_no_part_has_a_key_or_an_input() {
    let (la, m) = parts(&LAYOUT.replace(
        "kms: {decrypt_principals: ['arn:aws:iam::111111111111:role/Reader']}",
        "kms: false",
    ));
    assert!(la.key.is_none() && m.key.is_none() && m.inputs.is_empty());
    assert_eq!(la.bucket.expect("bucket").encryption, Encryption::S3);
}
#[test]
fn the_management_key_is_made_only_for_what_it_encrypts_and_keeps_the_spec_admins_out() {
    let with_admin = LAYOUT.replace(
        "kms: {decrypt_principals:",
        "kms: {admins: ['arn:aws:iam::111111111111:role/KeyAdmin'], decrypt_principals:",
    );
    let (la, m) = parts(&with_admin);
    assert!(sids(&la.key.expect("log files' key").policy).contains(&"KeyAdministrators"));
    assert!(!sids(&m.key.expect("own key").policy).contains(&"KeyAdministrators"));
    // Nothing of the management part is encrypted: no key of its own, no output for one.
    let (_, bare) = parts(&format!("{LAYOUT}sns: false\ncloudwatch_logs: false\n"));
    assert!(bare.key.is_none());
    assert!(!bare.outputs.iter().any(|o| o.name == "monitoring_key_arn"));
    assert_eq!(
        bare.inputs.len(),
        1,
        "the trail still takes the log files' key"
    );
}

#[test]
fn an_existing_key_encrypts_only_the_bucket_of_its_own_account() {
    let arn = "arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let text = LAYOUT
        .replace(
            "management: '222222222222'}",
            "management: '222222222222', key: management}",
        )
        .replace(
            "kms: {decrypt_principals: ['arn:aws:iam::111111111111:role/Reader']}",
            &format!("kms: {{key_arn: '{arn}'}}"),
        );
    let (la, m) = parts(&text);
    assert_eq!(
        la.bucket.expect("bucket").encryption,
        Encryption::AwsManagedKms
    );
    assert_eq!(m.trail.expect("trail").kms_key, Some(Expr::lit(arn)));
    assert!(la.key.is_none() && m.key.is_none() && m.inputs.is_empty());
}

#[test]
fn the_log_retention_is_the_spec_s_days_or_never() {
    let retention = |logs: &str| {
        model(&format!(
            "version: 1\ntrail: {{name: team1}}\ncloudwatch_logs: {logs}\n"
        ))
        .log_group
        .expect("a log group")
        .retention
    };
    assert_eq!(retention("true"), Retention::Days(DEFAULT_RETENTION_DAYS));
    assert_eq!(retention("{retention_days: 90}"), Retention::Days(90));
    let never = retention("{retention_days: never}");
    assert_eq!((never, never.days()), (Retention::Never, None));
}

#[test]
fn the_delivery_role_takes_its_name_path_and_boundary_from_the_spec() {
    let m = model(
        "version: 1\ntrail: {name: team1}\ncloudwatch_logs:\n  role:\n    name: Delivery\n    \
         path: /service-role/\n    permissions_boundary: arn:aws:iam::111122223333:policy/B\n",
    );
    let r = m.logs_role.clone().expect("a role");
    assert_eq!(r.name.expect("a name"), "Delivery");
    assert_eq!(r.path.expect("a path"), "/service-role/");
    assert_eq!(
        r.permissions_boundary.expect("a boundary"),
        "arn:aws:iam::111122223333:policy/B"
    );
    assert_eq!(m.iam_capability(), Some(IamCapability::NamedIam));
    // The trail still names the role it creates, whatever its name.
    let t = m.trail.expect("a trail");
    assert_eq!(
        t.cloudwatch_logs.map(|c| c.1),
        Some(Expr::Attr(Res::LogsRole, Attr::Arn))
    );
}

#[test]
fn the_delivery_role_is_named_by_the_target_unless_the_spec_names_it() {
    for text in [
        "version: 1\ntrail: {name: team1}\n",
        "version: 1\ntrail: {name: team1}\ncloudwatch_logs: {role: {path: /x/}}\n",
    ] {
        let m = model(text);
        let r = m.logs_role.clone().expect("a role");
        assert!(
            r.name.is_none() && r.permissions_boundary.is_none(),
            "{text}"
        );
        assert_eq!(m.iam_capability(), Some(IamCapability::Iam), "{text}");
    }
    let m = model("version: 1\ntrail: {name: team1}\ncloudwatch_logs: false\n");
    assert_eq!(m.iam_capability(), None);
}
