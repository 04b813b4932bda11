//! Unit tests of the header parser, the quoting helper (no value can inject keys) and rendering.

use super::*;
use crate::source;

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const TEMPLATE: &str = "# blueprint: t\n# description: a test blueprint\n# param: name (required) the name\n# param: days = 365 days kept\n# param: team = \"\" the team tag\nversion: 1\ntrail:\n  name: {{name}}\ncloudwatch_logs:\n  retention_days: {{int days}}\ntags:\n  team: {{team}}\n";

#[test]
fn header_declares_name_description_and_params() {
    let (name, description, params) = parse_header("t.yaml.hbs", TEMPLATE).unwrap();
    assert_eq!(name, "t");
    assert_eq!(description, "a test blueprint");
    assert_eq!(
        params,
        vec![
            Param {
                name: "name".into(),
                line: 3,
                default: None,
                description: "the name".into()
            },
            Param {
                name: "days".into(),
                line: 4,
                default: Some("365".into()),
                description: "days kept".into()
            },
            Param {
                name: "team".into(),
                line: 5,
                default: Some(String::new()),
                description: "the team tag".into()
            },
        ]
    );
}

#[test]
fn header_errors_are_located() {
    let err = parse_header("x", "# description: d\nversion: 1\n").unwrap_err();
    assert!(err.message.contains("blueprint: NAME"), "{err}");
    let err = parse_header(
        "x",
        "# blueprint: b\n# description: d\n# param: a-b (required) x\n",
    )
    .unwrap_err();
    assert_eq!((err.line, err.file.as_str()), (3, "x"));
    let err = parse_header("x", "# blueprint: b\n# description: d\n# param: a what\n").unwrap_err();
    assert!(err.message.contains("(required)"), "{err}");
    let err = parse_header(
        "x",
        "# blueprint: b\n# description: d\n# param: a = 1 x\n# param: a = 2 y\n",
    )
    .unwrap_err();
    assert_eq!(err.line, 4);
    // The header ends at the first line that is not a comment.
    let err = parse_header("x", "# blueprint: b\nversion: 1\n# description: d\n").unwrap_err();
    assert!(err.message.contains("description"), "{err}");
}

#[test]
fn unescaped_output_is_refused() {
    let text = "# blueprint: b\n# description: d\n# param: a (required) x\ntags:\n  t: {{{a}}}\n";
    let err = Blueprint::parse("b.yaml.hbs", text).unwrap_err();
    assert_eq!((err.line, err.column), (5, 6));
}

#[test]
fn quoting_escapes_everything_that_could_break_a_line_or_a_scalar() {
    assert_eq!(yaml_quote("plain"), "\"plain\"");
    assert_eq!(yaml_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    assert_eq!(yaml_quote("a\nb\r\tc"), "\"a\\nb\\r\\tc\"");
    assert_eq!(
        yaml_quote("\u{0}\u{7f}\u{85}\u{2028}"),
        "\"\\u0000\\u007F\\u0085\\u2028\""
    );
}

/// Values built to add or replace keys must come back as the same single string value.
#[test]
fn no_value_can_inject_keys() {
    let blueprint = Blueprint::parse("t.yaml.hbs", TEMPLATE).unwrap();
    let clean = blueprint.render(&values(&[("name", "audit")])).unwrap();
    let clean_doc = source::parse(&clean).unwrap();
    let hostile = [
        "audit\nkms: false",
        "audit\n  multi_region: false",
        "x: y",
        "a: b\nsns: false\n",
        "{{team}}",
        "{{> partial}}",
        "\" \nkms: false\n#",
        "\\\" , kms: false",
        "[a, b]",
        "{a: b}",
        "&anchor x",
        "*alias",
        "!!binary x",
        "# comment",
        "- item",
        "---\nversion: 2",
        "a\u{2028}kms: false",
        "a\u{85}kms: false",
        "a\rkms: false",
        "\u{feff}x",
        "",
        "   ",
        "null",
        "123",
    ];
    for value in hostile {
        for param in ["name", "team"] {
            let rendered = blueprint
                .render(&values(&[("name", "audit"), (param, value)]))
                .unwrap_or_else(|e| panic!("{value:?}: {e:?}"));
            let doc = source::parse(&rendered).unwrap_or_else(|e| panic!("{value:?}: {e:?}"));
            let mut expected = clean_doc.value.clone();
            let slot = if param == "name" {
                &mut expected["trail"]["name"]
            } else {
                &mut expected["tags"]["team"]
            };
            *slot = Value::String(value.to_string());
            assert_eq!(doc.value, expected, "value {value:?} in {param}");
        }
    }
}

#[test]
fn typed_helpers_refuse_what_they_cannot_print_safely() {
    let blueprint = Blueprint::parse("t.yaml.hbs", TEMPLATE).unwrap();
    let err = blueprint
        .render(&values(&[("name", "a"), ("days", "1\nkms: false")]))
        .unwrap_err();
    match &err[..] {
        [RenderError::BadValue { name, message, at }] => {
            assert_eq!(name, "days");
            assert!(message.contains("`days` must be an integer"), "{message}");
            assert_eq!((at.file.as_str(), at.line), ("t.yaml.hbs", 10));
        }
        other => panic!("{other:?}"),
    }
    // A default the helper refuses is the blueprint's own mistake.
    let broken = TEMPLATE.replace("days = 365", "days = many");
    let err = Blueprint::parse("t.yaml.hbs", &broken)
        .unwrap()
        .render(&values(&[("name", "a")]))
        .unwrap_err();
    assert!(
        matches!(&err[..], [RenderError::Template(e)] if e.line == 10),
        "{err:?}"
    );
}

#[test]
fn list_and_cat_quote_each_value() {
    let text = "# blueprint: b\n# description: d\n# param: l (required) x\n# param: n = a y\nl: {{list l}}\nc: {{cat \"pre/\" n}}\n";
    let b = Blueprint::parse("b", text).unwrap();
    let out = b
        .render(&values(&[("l", "x, y\nz: 1,"), ("n", "q\"")]))
        .unwrap();
    let doc = source::parse(&out).unwrap();
    assert_eq!(doc.value["l"], serde_json::json!(["x", "y\nz: 1"]));
    assert_eq!(doc.value["c"], "pre/q\"");
}

#[test]
fn unknown_and_missing_params_are_all_named() {
    let blueprint = Blueprint::parse("t.yaml.hbs", TEMPLATE).unwrap();
    let err = blueprint.render(&values(&[("nmae", "a")])).unwrap_err();
    assert_eq!(
        err,
        vec![
            RenderError::Unknown {
                key: "nmae".into(),
                allowed: vec!["name".into(), "days".into(), "team".into()]
            },
            RenderError::Missing {
                name: "name".into(),
                description: "the name".into(),
                file: "t.yaml.hbs".into(),
                line: 3,
            },
        ]
    );
}

#[test]
fn undeclared_variables_are_located_errors() {
    let text = "# blueprint: b\n# description: d\nversion: 1\ntrail:\n  name: {{trail_nmae}}\n";
    let err = Blueprint::parse("b.yaml.hbs", text)
        .unwrap()
        .render(&BTreeMap::new())
        .unwrap_err();
    match &err[..] {
        [RenderError::Template(e)] => {
            assert!(e.message.contains("`trail_nmae`"), "{e}");
            assert_eq!((e.line, e.column), (5, 9));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_shipped_blueprint_parses_and_a_file_overrides_by_name() {
    for (file, text) in SHIPPED {
        let b = Blueprint::parse(file, text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(format!("{}.yaml.hbs", b.name), *file);
    }
    let mut catalog = Catalog::shipped();
    assert_eq!(
        catalog.names(),
        [
            "cis-baseline",
            "data-events-audit",
            "dev-single-region",
            "minimal",
            "organization",
            "organization-layout"
        ]
    );
    let own = "# blueprint: minimal\n# description: ours\nversion: 1\ntrail:\n  name: ours\n";
    catalog.insert(Blueprint::parse("own/minimal.yaml.hbs", own).unwrap());
    assert_eq!(catalog.names().len(), 6);
    assert_eq!(
        catalog.get("minimal").map(|b| b.description.as_str()),
        Some("ours")
    );
}

#[test]
fn init_text_leaves_out_the_header_declarations_and_keeps_notes() {
    let rendered = "# blueprint: team\n# description: a team's trail\n# param: name the trail's name\n# yaml-language-server: $schema=x.json\n# a note kept\nversion: 1\n# param: a comment in the body stays\n";
    assert_eq!(
        without_header(rendered),
        "# a note kept\nversion: 1\n# param: a comment in the body stays\n"
    );
}
