//! The graph as Mermaid flowchart text, the form GitHub renders inside a ```` ```mermaid ````
//! block.
//!
//! Owns Mermaid syntax: node shapes, subgraphs, edge arrows, label escaping, class styles. The
//! output is raw Mermaid without the Markdown fence, so it can be piped to `mmdc` or pasted into a
//! block as it is. It must not decide what is drawn (that is `graph`).

use super::graph::{Graph, Kind, Line, Node};

/// A label as Mermaid reads it inside `"..."`: characters that would end the string or start
/// markup become entity codes (`#quot;` is Mermaid's own), and lines are joined with `<br/>`.
pub fn escape(label: &str) -> String {
    let mut out = String::new();
    for (i, line) in label.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br/>");
        }
        for c in line.chars() {
            match c {
                // First: the codes below all start with `#`.
                '#' => out.push_str("#35;"),
                '"' => out.push_str("#quot;"),
                '<' => out.push_str("#lt;"),
                '>' => out.push_str("#gt;"),
                '&' => out.push_str("#amp;"),
                '`' => out.push_str("#96;"),
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
    }
    out
}

/// Mermaid text for a graph, ending with a newline.
pub fn render(g: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    out.push_str(
        "  %% solid boxes are created, dashed ones exist already, rounded ones are principals;\n",
    );
    out.push_str("  %% solid arrows are references, dotted arrows are what a policy grants\n");
    if !g.groups.is_empty() {
        out.push_str("  %% each subgraph is one account's part of the layout, in deploy order\n");
    }
    let line = |n: &Node, indent: &str| {
        let label = escape(&n.label);
        let shape = match n.kind {
            Kind::Principal => format!("([\"{label}\"])"),
            _ => format!("[\"{label}\"]"),
        };
        format!("{indent}{}{shape}\n", n.id)
    };
    // Nodes are declared inside the subgraph they belong to, and edges only after every
    // subgraph: Mermaid puts a node in the subgraph that first names it.
    for group in &g.groups {
        out.push_str(&format!(
            "  subgraph {} [\"{}\"]\n",
            group.id,
            escape(&group.label)
        ));
        for n in group
            .members
            .iter()
            .filter_map(|id| g.nodes.iter().find(|n| &n.id == id))
        {
            out.push_str(&line(n, "    "));
        }
        out.push_str("  end\n");
    }
    let grouped = |n: &Node| g.groups.iter().any(|gr| gr.members.contains(&n.id));
    for n in g.nodes.iter().filter(|n| !grouped(n)) {
        out.push_str(&line(n, "  "));
    }
    for e in &g.edges {
        let arrow = match e.line {
            Line::Reference => "-->",
            Line::Grant => "-.->",
        };
        out.push_str(&format!(
            "  {} {arrow}|\"{}\"| {}\n",
            e.from,
            escape(&e.label),
            e.to
        ));
    }
    out.push_str("  classDef created fill:#e8f1fb,stroke:#2b6cb0,color:#1a202c\n");
    out.push_str(
        "  classDef existing fill:#f7fafc,stroke:#718096,stroke-dasharray:5 5,color:#1a202c\n",
    );
    out.push_str("  classDef principal fill:#fffaf0,stroke:#b7791f,color:#1a202c\n");
    for (kind, class) in [
        (Kind::Created, "created"),
        (Kind::Existing, "existing"),
        (Kind::Principal, "principal"),
    ] {
        let ids: Vec<&str> = g
            .nodes
            .iter()
            .filter(|n| n.kind == kind)
            .map(|n| n.id.as_str())
            .collect();
        if !ids.is_empty() {
            out.push_str(&format!("  class {} {class}\n", ids.join(",")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;
    use crate::explain::graph::{build, Kind};
    use crate::explain::tests::{example, lowered, lowered_all};
    use crate::explain::{mermaid, mermaid_all};

    /// Everything the trail delivers to exists; alarms go to the delivery topic.
    const EXISTING_GROUP: &str = "version: 1\ntrail: {name: dt-audit}\n\
        kms: {key_arn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'}\n\
        cloudwatch_logs: {log_group_arn: 'arn:aws:logs:eu-west-1:111122223333:log-group:Central/trail:*', role_arn: 'arn:aws:iam::111122223333:role/ct-logs'}\n\
        alarms: {cis: [root_account_usage, vpc_changes], notify: {delivery_topic: true}}\n";

    #[test]
    fn an_existing_resource_is_one_node_however_it_is_named() {
        let g = build(&lowered(EXISTING_GROUP).1);
        let groups: Vec<&str> = g
            .nodes
            .iter()
            .filter(|n| n.label.starts_with("existing CloudWatch Logs group"))
            .map(|n| n.id.as_str())
            .collect();
        assert_eq!(groups.len(), 1, "{:?}", g.nodes);
        let has = |from: &str, label: &str, to: &str| {
            g.edges
                .iter()
                .any(|e| e.from == from && e.label == label && e.to == to)
        };
        assert!(has("trail", "delivers events to", groups[0]));
        assert!(has(groups[0], "filtered by", "metric_filters"));
        assert!(has("alarms", "notify", "topic"));
        assert!(g.nodes.iter().all(|n| n.id != "key" && n.id != "log_group"));
    }

    #[test]
    fn every_edge_joins_declared_nodes_with_safe_ids() {
        let mut specs: Vec<(&str, String)> = [
            "cis.yaml",
            "minimal.yaml",
            "organization.yaml",
            "existing-bucket-and-key.yaml",
            "dev-single-region.json",
        ]
        .into_iter()
        .map(|name| (name, example(name)))
        .collect();
        specs.push(("existing group", EXISTING_GROUP.to_string()));
        let layout = example("organization-layout.yaml");
        let key_in_management = layout.replace(
            "  management: \"222222222222\"\n",
            "  management: \"222222222222\"\n  key: management\n",
        );
        specs.push(("organization-layout.yaml", layout));
        specs.push(("layout, key in management", key_in_management));
        for (name, yaml) in specs {
            let g = mermaid_all(&lowered_all(&yaml).1);
            assert!(g.starts_with("flowchart LR\n") && g.ends_with('\n') && !g.contains("```"));
            let mut declared = Vec::new();
            let mut ends = Vec::new();
            for line in g.lines().skip(1).map(str::trim) {
                if line.starts_with("%%")
                    || line.starts_with("classDef")
                    || line.starts_with("class ")
                    || line == "end"
                {
                    continue;
                }
                if let Some(group) = line.strip_prefix("subgraph ") {
                    let id = group.split(' ').next().unwrap_or_default();
                    assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
                    assert!(!id.is_empty() && id != "end", "{name}: {line}");
                    continue;
                }
                let head: String = line
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                assert!(!head.is_empty(), "{name}: {line}");
                match line.split_once("| ") {
                    Some((_, to)) => ends.extend([head, to.to_string()]),
                    None => declared.push(head),
                }
            }
            for end in &ends {
                assert!(
                    declared.contains(end),
                    "{name}: edge end {end} is not a node\n{g}"
                );
                assert!(end.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
                assert_ne!(end, "end", "Mermaid reserves `end`");
            }
            assert!(!ends.is_empty(), "{name}");
            // Fifteen filters on one log group are one edge, not fifteen.
            let edges: Vec<&str> = g
                .lines()
                .filter(|l| l.contains("-->") || l.contains("-.->"))
                .collect();
            let mut unique = edges.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(edges.len(), unique.len(), "{name}: repeated edges\n{g}");
        }
    }

    #[test]
    fn labels_are_escaped_for_mermaid() {
        assert_eq!(
            escape("a \"b\" #1 <x> & `y`"),
            "a #quot;b#quot; #35;1 #lt;x#gt; #amp; #96;y#96;"
        );
        assert_eq!(escape("one\ntwo"), "one<br/>two");
        let (_, mut model) = lowered("version: 1\ntrail: {name: trail1}\n");
        model.bucket.as_mut().expect("a bucket").name = Some("we\"ird#".into());
        let g = mermaid(&model);
        assert!(
            g.contains("bucket[\"S3 bucket<br/>we#quot;ird#35;\"]"),
            "{g}"
        );
        for line in g.lines().filter(|l| l.contains('[')) {
            assert_eq!(line.matches('"').count(), 2, "{line}");
        }
    }

    #[test]
    fn the_cis_graph_groups_the_alarms_and_marks_what_exists() {
        let g = build(&lowered(&example("cis.yaml")).1);
        let label = |id: &str| g.nodes.iter().find(|n| n.id == id).map(|n| n.label.clone());
        assert_eq!(
            label("metric_filters").as_deref(),
            Some("15 metric filters")
        );
        assert_eq!(label("alarms").as_deref(), Some("15 alarms"));
        assert_eq!(
            g.nodes.iter().filter(|n| n.kind == Kind::Existing).count(),
            1
        );
        let has = |from: &str, label: &str, to: &str| {
            g.edges
                .iter()
                .any(|e| e.from == from && e.label == label && e.to == to)
        };
        assert!(has("trail", "encrypts with", "key"));
        assert!(has("bucket", "encrypts with", "key"));
        assert!(has("alarms", "notify", "alerts_topic"));
        assert!(has("log_group", "filtered by", "metric_filters"));
        assert!(has("bucket", "governed by", "bucket_policy"));
        // The trail reaches the bucket and its key already; the grants would only repeat that.
        assert!(!g
            .edges
            .iter()
            .any(|e| e.to == "bucket_policy" && e.from == "trail"));
    }

    /// Each account is a subgraph holding its part's resources; the trail reaches the log archive
    /// account's bucket and key, and their policies' grants reach the trail, across subgraphs.
    #[test]
    fn a_layout_draws_each_account_as_a_subgraph_joined_by_its_references_and_grants() {
        let g = mermaid_all(&lowered_all(&example("organization-layout.yaml")).1);
        let block = |id: &str| {
            let start = g
                .find(&format!("  subgraph {id} "))
                .unwrap_or_else(|| panic!("no subgraph {id}\n{g}"));
            let len = g[start..].find("\n  end\n").expect("closed");
            g[start..start + len].to_string()
        };
        let archive = block("log_archive");
        let management = block("management");
        assert!(
            archive.starts_with("  subgraph log_archive [\"log archive account 111111111111\"]")
        );
        assert!(
            management.starts_with("  subgraph management [\"management account 222222222222\"]")
        );
        assert!(
            archive.contains("\n    log_archive_bucket[")
                && archive.contains("\n    log_archive_key[")
        );
        assert!(
            management.contains("\n    management_trail[")
                && management.contains("\n    management_key[")
        );
        assert!(!archive.contains("trail["), "{archive}");
        for edge in [
            "management_trail -->|\"stores log files in\"| log_archive_bucket",
            "management_trail -->|\"encrypts with\"| log_archive_key",
            "management_trail -.->|\"allowed s3:GetBucketAcl, s3:PutObject by\"| log_archive_bucket_policy",
            "management_trail -.->|\"allowed kms:GenerateDataKey*, kms:DescribeKey by\"| log_archive_key",
        ] {
            assert!(g.contains(&format!("\n  {edge}\n")), "no edge {edge}\n{g}");
        }
        // The bucket and key of the other part are those nodes, not existing resources.
        assert!(
            !g.contains("existing S3 bucket<br/>acme-org-audit-logs"),
            "{g}"
        );
        assert!(!g.contains("existing KMS key"), "{g}");
    }
}
