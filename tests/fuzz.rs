//! Property tests of the whole pipeline (parse, validate, lower, emit) on generated and mutated
//! specs, deterministic from one seed.
//!
//! Inputs:
//! - `generated_specs`: specs built from the spec's JSON Schema (`trailsmith::spec::schema_text`),
//!   with values drawn from what the repository's specs use for each key and subtrees of them
//!   reused whole, written as block YAML, flow YAML or JSON. Some cases are kept valid so that
//!   they reach lowering and both emitters; the others carry near-valid noise (a wrong type, a
//!   value out of range, a typo, an unknown key, a missing required field).
//! - `mutated_specs`: every spec of `examples/`, `tests/cases/`, `tests/bad/` and `tests/cmd/specs/`
//!   with one to four line, token or character mutations (delete, duplicate, swap or splice lines,
//!   change indentation, flip scalars, insert YAML punctuation or unusual unicode, truncate).
//! - `binary_on_a_sample`: the real binary on a sample of both, as bytes (some not UTF-8).
//!
//! Properties: `trailsmith::validate::check` and `trailsmith::compile` for both targets never panic
//! and answer within `CASE_TIME_LIMIT` (one case in 20 calls them as they are; the others call
//! `check_with` and `compile_with` with the shipped catalog built once, the same code without the
//! 7 ms a debug build spends building the catalog on each call); every diagnostic that points
//! into the spec has a line and column inside the text; a result is either an output (JSON; for Terraform it fits the provider schema, checked
//! offline as in `tests/golden.rs`; no text of the spec became template code, checked by
//! `tests/support/interpolation.rs`; the same input gives the same bytes again) or at least one
//! located error, never both or neither; a spec `validate` passes compiles for CloudFormation, and
//! for Terraform unless the only errors are `terraform-unsupported-field`. The binary exits 0 or 1
//! (2 is for unreadable input, which these files are not) and never panics.
//!
//! The seed is fixed, so every run tries the same cases. On a failure the test prints the case's
//! seed and the input (also saved under `target/tmp/`); replay it alone with
//! `TRAILSMITH_FUZZ_SEED=0x... TRAILSMITH_FUZZ_CASES=1 cargo test --test fuzz <test name>`.
//! `TRAILSMITH_FUZZ_CASES=N` runs N cases per test instead of the default, for longer local runs;
//! `TRAILSMITH_FUZZ_SEED` alone explores other cases.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    reason = "the generator's arithmetic is on small bounded counts and ranges"
)]

#[path = "support/tf_schema.rs"]
mod tf_schema;

#[cfg(unix)]
#[path = "support/bounded_run.rs"]
mod bounded_run;
#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/interpolation.rs"]
mod interpolation;

use corpus::spec_files;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant};
use trailsmith::diag::{Code, Diagnostic, Severity};
use trailsmith::{compile, compile_with, validate, Target};

const DEFAULT_SEED: u64 = 0x7472_6169_6c73_6d69;
const GENERATED_CASES: usize = 600;
const MUTATED_CASES: usize = 1_500;
/// A case taking longer is reported as a hang (a debug build takes milliseconds).
const CASE_TIME_LIMIT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// Seeds and randomness

/// SplitMix64: tiny, fast and good enough to pick mutations; the same seed gives the same cases
/// on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim().replace('_', "");
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
    .or_else(|| panic!("{name}={text} is not a number"))
}

fn base_seed() -> u64 {
    env_number("TRAILSMITH_FUZZ_SEED").unwrap_or(DEFAULT_SEED)
}

fn case_count(default: usize) -> usize {
    env_number("TRAILSMITH_FUZZ_CASES").map_or(default, |n| n as usize)
}

/// Case `i`'s seed; case 0's is the base seed, so a seed printed for one case replays it alone.
fn case_seed(base: u64, i: usize) -> u64 {
    base.wrapping_add((i as u64).wrapping_mul(0xD1B5_4A32_D192_ED03))
}

// ---------------------------------------------------------------------------------------------
// The corpus: the repository's specs, and what they say under each key

/// What specs say under each key.
#[derive(Default)]
struct Pools {
    /// Every value seen under a key (scalars and whole subtrees); list items under `key[]`.
    values: BTreeMap<String, Vec<Value>>,
    /// Keys seen in mappings under a key (for `tags`, `with`, `silence`).
    children: BTreeMap<String, BTreeSet<String>>,
    /// Every string scalar, for keys without values of their own.
    strings: Vec<String>,
}

impl Pools {
    fn harvest(&mut self, key: &str, value: &Value) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    self.children
                        .entry(key.to_string())
                        .or_default()
                        .insert(k.clone());
                    self.values.entry(k.clone()).or_default().push(v.clone());
                    self.harvest(k, v);
                }
            }
            Value::Array(items) => {
                let item_key = format!("{key}[]");
                for item in items {
                    self.values
                        .entry(item_key.clone())
                        .or_default()
                        .push(item.clone());
                    self.harvest(&item_key, item);
                }
            }
            Value::String(s) => self.strings.push(s.clone()),
            _ => {}
        }
    }
}

struct Corpus {
    /// (path, bytes) of every spec file.
    files: Vec<(String, Vec<u8>)>,
    /// From the specs `validate` passes: what valid cases are built from.
    good: Pools,
    /// From every spec, the bad ones too: what near-valid cases draw on.
    all: Pools,
    /// The specs `validate` passes, parsed.
    valid: Vec<Value>,
    /// Indexes in `files` of the specs `validate` passes.
    valid_files: Vec<usize>,
    /// Every key, for typos and splices.
    keys: Vec<String>,
}

fn catalog() -> &'static trailsmith::blueprint::Catalog {
    static CATALOG: OnceLock<trailsmith::blueprint::Catalog> = OnceLock::new();
    CATALOG.get_or_init(trailsmith::blueprint::Catalog::shipped)
}

fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut files = Vec::new();
        for dir in [
            "examples",
            "examples/teams",
            "tests/cases",
            "tests/bad",
            "tests/cmd/specs",
        ] {
            for p in spec_files(dir) {
                let bytes = std::fs::read(&p).expect("corpus file");
                files.push((p.display().to_string(), bytes));
            }
        }
        assert!(files.len() >= 150, "corpus shrank: {} files", files.len());
        let mut corpus = Corpus {
            files,
            good: Pools::default(),
            all: Pools::default(),
            valid: Vec::new(),
            valid_files: Vec::new(),
            keys: Vec::new(),
        };
        let texts: Vec<(usize, String)> = corpus
            .files
            .iter()
            .enumerate()
            .filter_map(|(i, (_, b))| String::from_utf8(b.clone()).ok().map(|t| (i, t)))
            .collect();
        for (i, text) in texts {
            let Ok(doc) = trailsmith::source::parse(&text) else {
                continue;
            };
            corpus.all.harvest("", &doc.value);
            if validate::check_with(&text, catalog()).spec.is_some() {
                corpus.good.harvest("", &doc.value);
                corpus.valid.push(doc.value);
                corpus.valid_files.push(i);
            }
        }
        for pools in [&mut corpus.good, &mut corpus.all] {
            pools.strings.sort();
            pools.strings.dedup();
        }
        corpus.keys = corpus
            .all
            .children
            .values()
            .flatten()
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        assert!(
            corpus.valid.len() >= 20,
            "too few valid specs: {}",
            corpus.valid.len()
        );
        corpus
    })
}

// ---------------------------------------------------------------------------------------------
// Specs generated from the schema

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(&trailsmith::spec::schema_text()).expect("the schema is JSON")
    })
}

struct Generator<'a> {
    rng: &'a mut Rng,
    corpus: &'a Corpus,
    defs: &'a Map<String, Value>,
    /// Percent of nodes given near-valid noise; 0 keeps a case as valid as the schema and the
    /// corpus make it.
    noise: u64,
}

const UNUSUAL: &[&str] = &[
    "é", "中", "😀", "\u{200b}", "\u{feff}", "\u{202e}", "\u{85}", "\u{2028}", "\t", "\r",
    "\u{7f}", "\u{1b}", "\u{301}", "\u{fffd}", "\0", "\\", "\"", "'", "${", "%{", "*", "/", "..",
    " ",
];

impl Generator<'_> {
    fn value(&mut self, schema: &Value, key: &str, depth: usize) -> Value {
        if self.noise > 0 && self.rng.chance(self.noise) {
            return self.noise_value(schema, key, depth);
        }
        if let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
        {
            let target = self.defs.get(name).cloned().unwrap_or(Value::Null);
            return self.value(&target, key, depth);
        }
        for combinator in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = schema.get(combinator) {
                // `null` branches (a way to say "absent") are taken rarely.
                let non_null: Vec<&Value> = branches
                    .iter()
                    .filter(|b| b.get("type") != Some(&Value::String("null".into())))
                    .collect();
                let branch = if non_null.is_empty() || self.rng.chance(5) {
                    self.rng.pick(branches).clone()
                } else {
                    (*self.rng.pick(&non_null)).clone()
                };
                return self.value(&branch, key, depth);
            }
        }
        if let Some(Value::Array(options)) = schema.get("enum") {
            return self.rng.pick(options).clone();
        }
        if let Some(constant) = schema.get("const") {
            return constant.clone();
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let non_null: Vec<&str> = types.iter().copied().filter(|t| *t != "null").collect();
        let ty = if non_null.is_empty() || (types.len() > non_null.len() && self.rng.chance(5)) {
            types.first().copied().unwrap_or("any")
        } else {
            *self.rng.pick(&non_null)
        };
        match ty {
            "object" => self.object(schema, key, depth),
            "array" => {
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                let n = match self.rng.below(10) {
                    0 => 0,
                    1..=6 => 1 + self.rng.below(2),
                    _ => 1 + self.rng.below(6),
                };
                let item_key = format!("{key}[]");
                Value::Array(
                    (0..n)
                        .map(|_| self.value(&items, &item_key, depth + 1))
                        .collect(),
                )
            }
            "string" => Value::String(self.string(key)),
            "integer" => self.integer(schema, key),
            "number" => serde_json::json!(self.rng.below(1000) as f64 / 4.0),
            "boolean" => Value::Bool(self.rng.chance(50)),
            "null" => Value::Null,
            _ => self.corpus_value(key).unwrap_or(Value::Null),
        }
    }

    /// Values from valid specs only, unless the case is a near-valid one.
    fn pools(&self) -> &'static Pools {
        let corpus = corpus();
        if self.noise == 0 {
            &corpus.good
        } else {
            &corpus.all
        }
    }

    fn corpus_value(&mut self, key: &str) -> Option<Value> {
        let values = self.pools().values.get(key)?;
        Some(self.rng.pick(values).clone())
    }

    fn object(&mut self, schema: &Value, key: &str, depth: usize) -> Value {
        let mut map = Map::new();
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for (name, sub) in properties {
                let wanted = if required.contains(&name.as_str()) {
                    self.noise == 0 || !self.rng.chance(self.noise)
                } else {
                    self.optional_wanted(key, name, depth)
                };
                if !wanted {
                    continue;
                }
                // A subtree from a real spec reaches deeper rules than a random one.
                let reused = if depth > 0 && self.rng.chance(25) {
                    self.corpus_value(name)
                } else {
                    None
                };
                let value = match reused {
                    Some(v) => v,
                    None => self.value(sub, name, depth + 1),
                };
                map.insert(name.clone(), value);
            }
        }
        match schema.get("additionalProperties") {
            Some(Value::Object(_) | Value::Bool(true)) => {
                let sub = schema["additionalProperties"].clone();
                for _ in 0..self.rng.below(4) {
                    let name = self.map_key(key);
                    let value = self.value(&sub, &name, depth + 1);
                    map.insert(name, value);
                }
            }
            _ => {
                if self.noise > 0 && self.rng.chance(self.noise * 2) {
                    let name = self.near_key(schema);
                    let value = self.corpus_value(&name).unwrap_or(Value::Bool(true));
                    map.insert(name, value);
                }
            }
        }
        Value::Object(map)
    }

    /// Whether to write an optional field: the top level always names the trail (unless it
    /// extends a blueprint); deeper, fields are written about half the time.
    fn optional_wanted(&mut self, parent: &str, name: &str, depth: usize) -> bool {
        match (depth, name) {
            (0, "trail") => true,
            (0, "version") => true,
            (0, "$schema") => self.rng.chance(5),
            (0, "extends") => self.rng.chance(12),
            (0, "with") => self.rng.chance(8),
            (0, _) => self.rng.chance(45),
            _ if parent.ends_with("[]") => self.rng.chance(35),
            _ => self.rng.chance(45),
        }
    }

    /// A key for a free-form mapping (`tags`, `silence`, `with`).
    fn map_key(&mut self, parent: &str) -> String {
        if parent == "silence" && self.rng.chance(70) {
            // Errors cannot be silenced: a valid case names warnings only.
            let codes: Vec<&str> = Code::ALL
                .iter()
                .filter(|c| self.noise > 0 || c.severity() == Severity::Warning)
                .map(|c| c.as_str())
                .collect();
            return self.rng.pick(&codes).to_string();
        }
        if let Some(known) = self.pools().children.get(parent) {
            if !known.is_empty() && self.rng.chance(75) {
                let known: Vec<&String> = known.iter().collect();
                return (*self.rng.pick(&known)).clone();
            }
        }
        let base = self.rng.pick(&self.corpus.keys).clone();
        if self.rng.chance(30) {
            format!("{base}{}", self.rng.below(100))
        } else {
            base
        }
    }

    /// An unknown key: a typo of a known one, or another section's key.
    fn near_key(&mut self, schema: &Value) -> String {
        let known: Vec<String> = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        if !known.is_empty() && self.rng.chance(70) {
            let name = self.rng.pick(&known).clone();
            typo(self.rng, &name)
        } else {
            self.rng.pick(&self.corpus.keys).clone()
        }
    }

    fn string(&mut self, key: &str) -> String {
        let pools = self.pools();
        let from_key: Vec<&str> = pools
            .values
            .get(key)
            .map(|vs| vs.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if !from_key.is_empty() && (self.noise == 0 || self.rng.chance(85)) {
            return (*self.rng.pick(&from_key)).to_string();
        }
        if key == "extends" {
            let names = catalog().names();
            return self.rng.pick(&names).clone();
        }
        self.rng.pick(&pools.strings).clone()
    }

    fn integer(&mut self, schema: &Value, key: &str) -> Value {
        let from_key: Vec<Value> = self
            .pools()
            .values
            .get(key)
            .map(|vs| vs.iter().filter(|v| v.is_i64()).cloned().collect())
            .unwrap_or_default();
        if !from_key.is_empty() && self.rng.chance(70) {
            return self.rng.pick(&from_key).clone();
        }
        let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
        let max = schema
            .get("maximum")
            .and_then(Value::as_i64)
            .unwrap_or(min + 4000)
            .min(min + 100_000);
        let span = (max - min + 1).max(1) as usize;
        Value::from(min + self.rng.below(span) as i64)
    }

    /// Near-valid: what users get wrong.
    fn noise_value(&mut self, schema: &Value, key: &str, depth: usize) -> Value {
        match self.rng.below(8) {
            0 => Value::from(
                *self
                    .rng
                    .pick(&[-1i64, 0, 1, 4_294_967_296, i64::MAX, i64::MIN]),
            ),
            1 => serde_json::json!(*self.rng.pick(&[0.5f64, -0.0, 1e300, 2.5e-8])),
            2 => Value::Bool(self.rng.chance(50)),
            3 => Value::Null,
            4 => Value::Array(vec![Value::String(self.string(key))]),
            5 => Value::Object(Map::new()),
            6 => {
                let base = self.string(key);
                Value::String(mangle(self.rng, &base))
            }
            _ => {
                // A valid value, then (maybe) a typo in an enum.
                let saved = self.noise;
                self.noise = 0;
                let v = self.value(schema, key, depth);
                self.noise = saved;
                match v {
                    Value::String(s) => Value::String(typo(self.rng, &s)),
                    other => other,
                }
            }
        }
    }
}

fn typo(rng: &mut Rng, word: &str) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    if chars.is_empty() {
        return "x".into();
    }
    match rng.below(5) {
        0 if chars.len() > 1 => {
            let i = rng.below(chars.len() - 1);
            chars.swap(i, i + 1);
        }
        1 => {
            chars.remove(rng.below(chars.len()));
        }
        2 => chars.insert(rng.below(chars.len() + 1), 'x'),
        3 => {
            return word
                .chars()
                .map(|c| match c {
                    '_' => '-',
                    '-' => '_',
                    c => c.to_ascii_uppercase(),
                })
                .collect()
        }
        _ => {
            let i = rng.below(chars.len());
            chars[i] = 'q';
        }
    }
    chars.into_iter().collect()
}

fn mangle(rng: &mut Rng, base: &str) -> String {
    match rng.below(6) {
        0 => String::new(),
        1 => base.repeat(1 + rng.below(40)),
        2 => format!("{base}{}", rng.pick(UNUSUAL)),
        3 => format!("{}{base}", rng.pick(UNUSUAL)),
        4 => base.to_uppercase(),
        _ => (0..rng.below(300))
            .map(|_| *rng.pick(&['a', '-', '.', '/', ':', '*', '9', 'Z', ' ']))
            .collect(),
    }
}

/// Parameter values the shipped blueprints accept, for parameters the corpus has none for.
const PARAMS: &[(&str, &str)] = &[
    ("trail_name", "fuzz-audit"),
    ("access_log_bucket", "acme-s3-access-logs"),
    ("alarm_email", "secops@example.com"),
    ("org_id", "o-a1b2c3d4e5"),
    ("s3_buckets", "acme-payroll,acme-ledger/reports"),
];

fn generated_spec(rng: &mut Rng) -> String {
    let schema = schema();
    let defs = schema
        .get("$defs")
        .and_then(Value::as_object)
        .expect("$defs");
    let noise = match rng.below(10) {
        0..=5 => 0,
        6..=8 => 2 + rng.below(4) as u64,
        _ => 10,
    };
    let recombine = rng.chance(50);
    let mut generator = Generator {
        rng,
        corpus: corpus(),
        defs,
        noise,
    };
    let mut value = if recombine {
        recombined(&mut generator, schema)
    } else {
        generator.value(schema, "", 0)
    };
    if let Value::Object(map) = &mut value {
        if noise == 0 || !generator.rng.chance(10) {
            map.insert("version".into(), Value::from(1));
        }
        if noise == 0 {
            coherent_extends(generator.rng, map);
        } else if map.contains_key("extends") && generator.rng.chance(50) {
            map.remove("trail");
        }
    }
    write_spec(generator.rng, &value)
}

/// A valid spec of the corpus with sections of others copied over it, and one section generated
/// from the schema: new combinations of values each known to be valid on its own.
fn recombined(generator: &mut Generator, schema: &Value) -> Value {
    let corpus = generator.corpus;
    let mut base = generator.rng.pick(&corpus.valid).clone();
    let Value::Object(map) = &mut base else {
        return base;
    };
    for _ in 0..generator.rng.below(3) {
        if let Value::Object(other) = generator.rng.pick(&corpus.valid) {
            for (k, v) in other {
                if k != "version" && generator.rng.chance(30) {
                    map.insert(k.clone(), v.clone());
                }
            }
        }
    }
    if generator.rng.chance(60) {
        if let Some(Value::Object(properties)) = schema.get("properties") {
            let names: Vec<&String> = properties.keys().collect();
            let name = (*generator.rng.pick(&names)).clone();
            let sub = properties[&name].clone();
            let generated = generator.value(&sub, &name, 1);
            map.insert(name, generated);
        }
    }
    base
}

/// `extends` with the parameters its blueprint requires (and `with` only with `extends`);
/// half the time the blueprint's trail stands in for the spec's own.
fn coherent_extends(rng: &mut Rng, map: &mut Map<String, Value>) {
    let Some(name) = map
        .get("extends")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        map.remove("extends");
        map.remove("with");
        return;
    };
    let Some(blueprint) = catalog().get(&name) else {
        return;
    };
    let known = corpus().good.values.get("with");
    let mut with = Map::new();
    for param in &blueprint.params {
        if param.default.is_some() && !rng.chance(30) {
            continue;
        }
        let from_corpus = known
            .into_iter()
            .flatten()
            .filter_map(|w| w.get(&param.name))
            .next()
            .cloned();
        let fallback = PARAMS
            .iter()
            .find(|(n, _)| *n == param.name)
            .map(|(_, v)| Value::String(v.to_string()));
        if let Some(v) = from_corpus
            .or(fallback)
            .or_else(|| param.default.clone().map(Value::String))
        {
            with.insert(param.name.clone(), v);
        }
    }
    map.insert("with".into(), Value::Object(with));
    if rng.chance(50) {
        map.remove("trail");
    }
}

// ---------------------------------------------------------------------------------------------
// Writing a value as YAML or JSON

fn write_spec(rng: &mut Rng, value: &Value) -> String {
    match rng.below(10) {
        0 | 1 => serde_json::to_string_pretty(value).expect("JSON"),
        2 => serde_json::to_string(value).expect("JSON"),
        _ => {
            let mut out = String::new();
            if rng.chance(20) {
                out.push_str("# a generated spec\n");
            }
            if rng.chance(5) {
                out.push_str("---\n");
            }
            match value {
                Value::Object(map) if !map.is_empty() => {
                    block_map(rng, &mut out, map, 0, false);
                }
                other => {
                    out.push_str(&flow(other));
                    out.push('\n');
                }
            }
            out
        }
    }
}

fn block_map(rng: &mut Rng, out: &mut String, map: &Map<String, Value>, indent: usize, skip: bool) {
    for (i, (k, v)) in map.iter().enumerate() {
        if !(skip && i == 0) {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&scalar_key(k));
        out.push(':');
        after_key(rng, out, v, indent);
    }
}

fn after_key(rng: &mut Rng, out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Object(m) if !m.is_empty() && !rng.chance(15) => {
            out.push('\n');
            block_map(rng, out, m, indent + 2, false);
        }
        Value::Array(a) if !a.is_empty() && !rng.chance(15) => {
            out.push('\n');
            // Both indentations YAML allows for a list under a key.
            let inner = if rng.chance(50) { indent } else { indent + 2 };
            block_list(rng, out, a, inner);
        }
        other => {
            out.push(' ');
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

fn block_list(rng: &mut Rng, out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() && !rng.chance(20) => {
                block_map(rng, out, m, indent + 2, true);
            }
            other => {
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
    }
}

/// A value on one line: a plain or quoted scalar, or a flow collection.
fn inline(v: &Value) -> String {
    match v {
        Value::String(s) if plain_safe(s) => s.clone(),
        Value::Object(_) | Value::Array(_) => flow(v),
        other => serde_json::to_string(other).expect("JSON"),
    }
}

fn flow(v: &Value) -> String {
    serde_json::to_string(v).expect("JSON")
}

fn scalar_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
        && !looks_typed(k)
    {
        k.to_string()
    } else {
        serde_json::to_string(k).expect("JSON")
    }
}

/// A string YAML reads back as the same string when written plain.
fn plain_safe(s: &str) -> bool {
    let first_ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '/');
    first_ok
        && !looks_typed(s)
        && !s.ends_with([':', ' '])
        && !s.contains(": ")
        && !s.contains(" #")
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, ' ' | '_' | '-' | '.' | '/' | ':' | '@' | '+' | '=')
        })
}

/// Plain text YAML would read as a number, boolean or null.
fn looks_typed(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "" | "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off"
    ) || s
        .chars()
        .all(|c| c.is_ascii_hexdigit() || matches!(c, '+' | '-' | '.' | 'x' | 'o' | 'X' | 'O'))
}

// ---------------------------------------------------------------------------------------------
// Mutations of the repository's specs

const TOKENS: &[&str] = &[
    "- ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "&x ",
    "*x",
    "!!str ",
    "!Ref ",
    "? ",
    "|",
    ">-",
    "#",
    "'",
    "\"",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "<<: *x",
    "\\",
    "@",
    "`",
    "\n",
    "  ",
    "\t",
    "~",
    "null",
    "true",
    "0x",
    "1e9999",
    "-",
    "&",
    "*",
];

const SCALARS: &[&str] = &[
    "true",
    "false",
    "null",
    "~",
    "0",
    "-1",
    "4294967296",
    "9223372036854775808",
    "1e400",
    "0.5",
    "\"\"",
    "''",
    "[]",
    "{}",
    "x",
    "*x",
    "&x y",
    "!!str 1",
    "\"\\u0000\"",
    "\"😀\"",
    "|\n  block",
    ">\n  folded",
];

fn mutated_spec(rng: &mut Rng) -> (String, Vec<u8>) {
    let corpus = corpus();
    // Half the time a valid spec, so that a mutation that keeps it valid reaches the emitters.
    let index = if rng.chance(50) {
        *rng.pick(&corpus.valid_files)
    } else {
        rng.below(corpus.files.len())
    };
    let (name, bytes) = &corpus.files[index];
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    let rounds = match rng.below(10) {
        0..=4 => 1,
        5..=7 => 2,
        _ => 3 + rng.below(2),
    };
    for _ in 0..rounds {
        text = mutate(rng, &text);
    }
    (name.clone(), text.into_bytes())
}

fn char_boundary(rng: &mut Rng, text: &str) -> usize {
    let mut i = rng.below(text.len() + 1);
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len();
    let line = rng.below(n.max(1));
    match rng.below(14) {
        0 if n > 0 => {
            lines.remove(line);
        }
        1 if n > 0 => {
            let copy = lines[line].clone();
            lines.insert(line, copy);
        }
        2 if n > 1 => {
            let other = if rng.chance(50) {
                (line + 1) % n
            } else {
                rng.below(n)
            };
            lines.swap(line, other);
        }
        3 if n > 0 => {
            let l = &lines[line];
            let trimmed = l.trim_start();
            let indent = l.len() - trimmed.len();
            let new = match rng.below(4) {
                0 => indent + 1,
                1 => indent.saturating_sub(1),
                2 => indent + 2,
                _ => indent.saturating_sub(2),
            };
            let lead = if rng.chance(10) {
                "\t".to_string()
            } else {
                " ".repeat(new)
            };
            lines[line] = format!("{lead}{trimmed}");
        }
        4 if n > 0 => {
            // Flip a scalar: the value after the first `: `, or a list item's.
            let l = lines[line].clone();
            let replacement = if rng.chance(70) {
                rng.pick(SCALARS).to_string()
            } else {
                serde_json::to_string(rng.pick(&corpus().all.strings)).expect("JSON")
            };
            if let Some(at) = l.find(": ") {
                lines[line] = format!("{}: {replacement}", &l[..at]);
            } else if let Some(at) = l.find("- ") {
                lines[line] = format!("{}- {replacement}", &l[..at]);
            }
        }
        5 | 6 => {
            let at = char_boundary(rng, text);
            return format!("{}{}{}", &text[..at], rng.pick(UNUSUAL), &text[at..]);
        }
        7 => {
            let at = char_boundary(rng, text);
            return text[..at].to_string();
        }
        8 | 9 => {
            let at = char_boundary(rng, text);
            return format!("{}{}{}", &text[..at], rng.pick(TOKENS), &text[at..]);
        }
        10 => {
            // Delete or replace one character.
            let at = char_boundary(rng, text);
            let mut rest = text[at..].chars();
            rest.next();
            let with = if rng.chance(50) {
                String::new()
            } else {
                (*rng.pick(&['a', '0', ' ', ':', '-', '"', '\n', '{', '#'])).to_string()
            };
            return format!("{}{with}{}", &text[..at], rest.as_str());
        }
        11 => {
            // Splice a line of another spec in.
            let (_, other) = rng.pick(&corpus().files);
            let other = String::from_utf8_lossy(other);
            let other: Vec<&str> = other.lines().collect();
            if !other.is_empty() {
                lines.insert(rng.below(n + 1), rng.pick(&other).to_string());
            }
        }
        12 if n > 0 => {
            // Repeat a block of lines.
            let end = (line + 1 + rng.below(6)).min(n);
            let block: Vec<String> = lines[line..end].to_vec();
            for (i, l) in block.into_iter().enumerate() {
                lines.insert(end + i, l);
            }
        }
        _ if n > 0 => {
            // A typo in a key.
            let l = lines[line].clone();
            if let Some(at) = l.find(':') {
                let lead = l.len() - l.trim_start().len();
                if lead < at {
                    let key = &l[lead..at];
                    lines[line] = format!("{}{}{}", &l[..lead], typo(rng, key), &l[at..]);
                }
            }
        }
        _ => {}
    }
    let mut out = lines.join(if rng.chance(5) { "\r\n" } else { "\n" });
    if rng.chance(90) {
        out.push('\n');
    }
    out
}

/// Byte-level damage for the binary, which reads bytes: invalid UTF-8, a cut multibyte character.
fn damage_bytes(rng: &mut Rng, bytes: &mut Vec<u8>) {
    let at = rng.below(bytes.len() + 1);
    match rng.below(4) {
        0 => bytes.insert(at, 0xff),
        1 => bytes.splice(at..at, [0xc3]).for_each(drop),
        2 => bytes.splice(at..at, [0xed, 0xa0, 0x80]).for_each(drop), // a UTF-16 surrogate
        _ => bytes
            .splice(at..at, "é".as_bytes()[..1].iter().copied())
            .for_each(drop),
    }
}

// ---------------------------------------------------------------------------------------------
// The properties

/// What the cases reached, to show the generators do more than trip the parser.
#[derive(Default)]
struct Tally {
    cases: usize,
    valid: usize,
    cloudformation: usize,
    terraform: usize,
    codes: BTreeMap<&'static str, usize>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.cases += other.cases;
        self.valid += other.valid;
        self.cloudformation += other.cloudformation;
        self.terraform += other.terraform;
        for (code, n) in other.codes {
            *self.codes.entry(code).or_default() += n;
        }
    }

    fn report(&self) -> String {
        let mut top: Vec<(&&str, &usize)> = self.codes.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let top: Vec<String> = top
            .iter()
            .take(8)
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        format!(
            "{} valid, {} CloudFormation and {} Terraform outputs, {} distinct codes (most: {})",
            self.valid,
            self.cloudformation,
            self.terraform,
            self.codes.len(),
            top.join(", ")
        )
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| format!("{what} panicked: {}", panic_message(p)))
}

/// The text's lines as YAML counts them: a line break is `\r\n`, `\n` or a lone `\r`, and the
/// position just after a final line break (the end of the text) is on a line of its own.
fn yaml_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['\r', '\n']) {
        lines.push(&rest[..at]);
        let skip = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[at + skip..];
    }
    lines.push(rest);
    lines
}

/// Positions inside the text.
fn check_diagnostics(what: &str, text: &str, diagnostics: &[Diagnostic]) -> Result<(), String> {
    let lines = yaml_lines(text);
    for d in diagnostics {
        // A finding in a blueprint points into the rendered blueprint, not this text.
        if d.file.is_some() {
            continue;
        }
        if let Some(pos) = d.pos {
            let columns = lines
                .get(pos.line.wrapping_sub(1))
                .map(|l| l.chars().count() + 1);
            if pos.line < 1 || pos.column < 1 || columns.is_none_or(|c| pos.column > c) {
                return Err(format!(
                    "{what}: position {}:{} outside the text ({} lines; columns on that line: {columns:?}): {d:?}",
                    pos.line,
                    pos.column,
                    lines.len()
                ));
            }
        }
    }
    Ok(())
}

fn errors(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

fn tf_schema_copy() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(
            &std::fs::read_to_string("tests/data/terraform-aws-schema.json").expect("schema copy"),
        )
        .expect("schema parses")
    })
}

/// Every property for one input text. `public` goes through `validate::check` and `compile`,
/// which build the shipped blueprint catalog on each call; otherwise (to keep cases fast) through
/// `check_with` and `compile_with` given the same catalog built once.
fn check_text(text: &str, public: bool) -> Result<Tally, String> {
    let check = |text: &str| {
        if public {
            validate::check(text)
        } else {
            validate::check_with(text, catalog())
        }
    };
    let compile = |text: &str, target| {
        if public {
            compile(text, target)
        } else {
            compile_with(text, target, catalog())
        }
    };
    let mut tally = Tally {
        cases: 1,
        ..Tally::default()
    };
    let checked = guarded("validate::check", || check(text))?;
    check_diagnostics("validate", text, &checked.diagnostics)?;
    let validate_errors = errors(&checked.diagnostics);
    if checked.spec.is_some() != validate_errors.is_empty() {
        return Err(format!(
            "validate: a spec is {} with {} errors",
            if checked.spec.is_some() {
                "given"
            } else {
                "missing"
            },
            validate_errors.len()
        ));
    }
    if validate_errors.is_empty() {
        tally.valid = 1;
    } else if validate_errors.iter().all(|d| d.pos.is_none()) {
        return Err(format!(
            "validate: no error is located: {validate_errors:?}"
        ));
    }
    for d in &checked.diagnostics {
        *tally.codes.entry(d.code.as_str()).or_default() += 1;
    }
    for target in [Target::CloudFormation, Target::Terraform] {
        let what = format!("compile {target:?}");
        let (output, diagnostics) = guarded(&what, || compile(text, target))?;
        check_diagnostics(&what, text, &diagnostics)?;
        let errs = errors(&diagnostics);
        match &output {
            Some(_) if !errs.is_empty() => {
                return Err(format!("{what}: an output and errors {errs:?}"));
            }
            None if errs.is_empty() => {
                return Err(format!("{what}: neither an output nor an error"));
            }
            None if errs.iter().all(|d| d.pos.is_none()) => {
                return Err(format!("{what}: no error is located: {errs:?}"));
            }
            _ => {}
        }
        // What validate passes, compile builds (Terraform may refuse what its provider lacks).
        if validate_errors.is_empty()
            && output.is_none()
            && !(target == Target::Terraform
                && errs.iter().all(|d| {
                    d.code == Code::TerraformUnsupportedField
                        || d.code == Code::TerraformUnsupportedSetting
                }))
        {
            return Err(format!(
                "{what}: validate passed but compile refused: {errs:?}"
            ));
        }
        let Some(outputs) = output else {
            continue;
        };
        // A spec with `accounts` has one output per part; each must hold on its own.
        for out in &outputs {
            let parsed: Value = serde_json::from_str(&out.text)
                .map_err(|e| format!("{what}: the output is not JSON: {e}"))?;
            // No text of the spec became code: every `${`/`%{` (Terraform) or `Fn::Sub`
            // placeholder (CloudFormation) is a reference to what the output declares.
            let code = match target {
                Target::Terraform => interpolation::terraform_problems(&parsed),
                Target::CloudFormation => interpolation::cloudformation_problems(&parsed),
            };
            if !code.is_empty() {
                return Err(format!("{what}: template code in the output: {code:#?}"));
            }
            if target == Target::Terraform {
                let findings = tf_schema::check_config(&parsed, tf_schema_copy());
                if !findings.is_empty() {
                    return Err(format!(
                        "{what}: the output does not fit the provider schema: {findings:#?}"
                    ));
                }
                tally.terraform = 1;
            } else {
                tally.cloudformation = 1;
            }
        }
        let (again, again_diagnostics) = guarded(&what, || compile(text, target))?;
        if again.as_ref() != Some(&outputs) || again_diagnostics != diagnostics {
            return Err(format!("{what}: the same input gave different output"));
        }
    }
    Ok(tally)
}

// ---------------------------------------------------------------------------------------------
// Running cases with a watchdog

enum Message {
    Start(u64, String),
    Done(Result<Tally, String>),
}

fn fail(test: &str, seed: u64, input: &str, problem: &str) -> ! {
    let saved = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-{test}-{seed:#x}.txt"));
    let _ = std::fs::write(&saved, input);
    let shown: String = input.chars().take(4000).collect();
    panic!(
        "{test}: {problem}\n\
         seed {seed:#x}; replay: TRAILSMITH_FUZZ_SEED={seed:#x} TRAILSMITH_FUZZ_CASES=1 cargo test --test fuzz {test}\n\
         input (saved in {}):\n{shown}",
        saved.display()
    );
}

/// Runs `count` cases of `make` on a worker thread; the main thread fails the test if one takes
/// longer than `CASE_TIME_LIMIT` (a hang) or breaks a property.
fn run_cases(test: &'static str, default_cases: usize, make: fn(&mut Rng) -> String) -> Tally {
    let base = base_seed();
    let count = case_count(default_cases);
    let started = Instant::now();
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        for i in 0..count {
            let seed = case_seed(base, i);
            let text = make(&mut Rng(seed));
            if tx.send(Message::Start(seed, text.clone())).is_err() {
                return;
            }
            let result = check_text(&text, i % 20 == 0);
            if tx.send(Message::Done(result)).is_err() {
                return;
            }
        }
    });
    let mut tally = Tally::default();
    let mut current = (base, String::new());
    loop {
        match rx.recv_timeout(CASE_TIME_LIMIT) {
            Ok(Message::Start(seed, text)) => current = (seed, text),
            Ok(Message::Done(Ok(t))) => tally.add(t),
            Ok(Message::Done(Err(problem))) => fail(test, current.0, &current.1, &problem),
            Err(mpsc::RecvTimeoutError::Timeout) => fail(
                test,
                current.0,
                &current.1,
                &format!("no answer within {CASE_TIME_LIMIT:?}: a hang?"),
            ),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    if let Err(payload) = worker.join() {
        // The generator itself broke (a bug of this test): show the case it was making.
        panic!(
            "{test}: making case {:#x} panicked: {}",
            current.0,
            panic_message(payload)
        );
    }
    assert_eq!(tally.cases, count, "{test}: cases went missing");
    println!(
        "fuzz {test}: {count} cases in {:.1} s, seed {base:#x}: {}",
        started.elapsed().as_secs_f64(),
        tally.report()
    );
    tally
}

#[test]
fn generated_specs() {
    let tally = run_cases("generated_specs", GENERATED_CASES, generated_spec);
    // The generator must reach the emitters, not only the parser and the schema.
    if tally.cases >= 100 {
        assert!(
            tally.cloudformation * 5 >= tally.cases && tally.terraform * 5 >= tally.cases,
            "too few generated specs compile: {}",
            tally.report()
        );
    }
}

#[test]
fn mutated_specs() {
    let tally = run_cases("mutated_specs", MUTATED_CASES, |rng| {
        String::from_utf8(mutated_spec(rng).1).expect("mutations keep UTF-8")
    });
    if tally.cases >= 100 {
        assert!(
            tally.cloudformation > 0 && tally.codes.len() >= 20,
            "mutations reach too little: {}",
            tally.report()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The binary on a sample

#[cfg(unix)]
#[test]
fn binary_on_a_sample() {
    use bounded_run::run;
    use std::process::Stdio;

    let base = base_seed() ^ 0xB1;
    let mut rng = Rng(base);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut names = Vec::new();
    let samples = case_count(48).clamp(1, 400);
    for i in 0..samples {
        let mut bytes = if i % 4 == 3 {
            generated_spec(&mut rng).into_bytes()
        } else {
            mutated_spec(&mut rng).1
        };
        if i % 6 == 5 {
            damage_bytes(&mut rng, &mut bytes);
        }
        let name = format!("m{i:03}.yaml");
        std::fs::write(dir.path().join(&name), &bytes).expect("write sample");
        names.push(name);
    }
    let all: Vec<&str> = names.iter().map(String::as_str).collect();
    let started = Instant::now();
    let mut runs = 0;
    let mut check = |args: Vec<&str>| {
        let outcome = run(dir.path(), &args, Stdio::null());
        runs += 1;
        let what = format!("seed {base:#x}: trailsmith {}", args.join(" "));
        outcome.assert_sane(&what);
        assert!(
            matches!(outcome.code, Some(0 | 1)),
            "{what}: exit {:?}\n{}",
            outcome.code,
            outcome.stderr
        );
        outcome
    };
    let report = check([&["validate", "--format", "json"][..], &all].concat());
    let report: Value = serde_json::from_slice(&report.stdout).expect("validate JSON report");
    assert_eq!(report["files"].as_array().map(Vec::len), Some(all.len()));
    check([&["validate", "--format", "sarif"][..], &all].concat());
    for target in ["cloudformation", "terraform"] {
        check([&["synth", "--target", target, "--out-dir", "out"][..], &all].concat());
    }
    for name in all.iter().take(16) {
        let outcome = check(vec!["synth", name, "--target", "terraform"]);
        if outcome.code == Some(0) {
            let _: Value = serde_json::from_slice(&outcome.stdout).expect("synth output is JSON");
        }
        check(vec!["explain", name]);
    }
    println!(
        "fuzz binary_on_a_sample: {} files, {runs} runs in {:.1} s, seed {base:#x}",
        all.len(),
        started.elapsed().as_secs_f64()
    );
}
