//! The command line: arguments, reading specs, printing diagnostics, writing outputs, exit codes.
//!
//! The only module that touches files, stdout or stderr. Exit codes: 0 success, 1 a spec is
//! invalid or `--check` found stale output, 2 usage error or unreadable input. Nothing is written
//! when any spec has errors, and files are replaced atomically (written beside, then renamed).

use crate::blueprint::Catalog;
use crate::diag::{has_errors, Diagnostic};
use crate::Target;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod adopt;
mod blueprints;
mod check;
mod config;
mod input;
mod outputs;
mod parallel;
mod synth;
mod tree;
use blueprints::{init, load_catalog};
use input::{read, read_all, read_bounded, MAX_SPEC_BYTES};
use outputs::write_atomic;
use synth::{synth, SynthOptions};

#[derive(Parser)]
#[command(
    name = "trailsmith",
    // `0.1.0 (commit 1a2b3c4d5e6f)`: the commit is set by scripts/build.rs.
    version = env!("TRAILSMITH_VERSION"),
    about = "Compile a CloudTrail trail spec into CloudFormation or Terraform JSON"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// A directory of your own blueprints (`*.yaml.hbs`); one named like a shipped blueprint
    /// replaces it. Default: $TRAILSMITH_BLUEPRINTS, else the `blueprints` of the nearest
    /// trailsmith.toml above the specs (or the current directory).
    #[arg(long, global = true, value_name = "DIR")]
    blueprints: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Check specs; text diagnostics go to stderr, JSON and SARIF to stdout.
    Validate {
        /// Spec files (YAML or JSON); `-` reads standard input.
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// How to print the findings: text for people, json for tools, sarif for code scanning.
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
        /// Fail (exit 1) on warnings too, unless the spec silences them.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Compile specs to a deployable template or configuration.
    Synth {
        /// Spec files (YAML or JSON), or directories searched for them at any depth (`.yaml`,
        /// `.yml`, `.json`; needs --out-dir, which then mirrors their folders); `-` reads
        /// standard input.
        #[arg(required = true)]
        specs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, short, value_enum)]
        target: TargetArg,
        /// Write to this file instead of standard output (one spec only).
        #[arg(long, short, conflicts_with = "out_dir")]
        output: Option<PathBuf>,
        /// Write one output per spec into this directory: NAME.template.json (CloudFormation) or
        /// NAME/main.tf.json (Terraform), NAME being the spec's file name without extension. A
        /// spec with `accounts` writes one per part: NAME.PART.template.json or
        /// NAME/PART/main.tf.json.
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// Only this part of a spec with `accounts` (an organization layout); needed to print
        /// one or to write it with -o.
        #[arg(long, value_enum)]
        part: Option<PartArg>,
        /// Compare with the existing files instead of writing; exit 1 if any is stale or missing,
        /// or (given a directory of specs) an output in --out-dir has no spec any more.
        #[arg(long)]
        check: bool,
        /// With --check: print a unified diff of each stale or missing output on standard
        /// output (`patch -p0` applies it).
        #[arg(long, requires = "check")]
        diff: bool,
        /// With --check: print nothing, not even the specs' findings; the exit code answers.
        #[arg(long, short, requires = "check", conflicts_with = "diff")]
        quiet: bool,
        /// Fail (exit 1, nothing written) on warnings too, unless the spec silences them.
        #[arg(long)]
        deny_warnings: bool,
        /// The hashicorp/aws major version Terraform output is written for (5: 5.100+, 6:
        /// 6.2+), instead of the spec's `terraform.aws_provider` (default 5).
        #[arg(long, value_enum)]
        aws_provider: Option<ProviderArg>,
    },
    /// Say in plain words what a spec creates, records, allows and costs, or draw it.
    Explain {
        /// The spec file (YAML or JSON); `-` reads standard input.
        spec: PathBuf,
        /// text: a summary for reviewers; mermaid: the resources and their references as a
        /// Mermaid flowchart (GitHub renders it in Markdown). A spec with `accounts` is explained
        /// part by part in deploy order, and drawn with one subgraph per account.
        #[arg(long, value_enum, default_value = "text")]
        format: ExplainFormat,
    },
    /// Print the spec's JSON Schema.
    ///
    /// Its `$id` is https://trailsmith.dev/schemas/trail-spec.schema.json; `-o FILE` writes a
    /// copy that specs outside the checkout can name in their modeline.
    Schema {
        /// Write to this file instead of standard output, for specs outside the checkout to
        /// name in their `# yaml-language-server: $schema=` modeline.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write a new spec from a blueprint, checked before it is written.
    Init {
        /// The blueprint to render (see `trailsmith blueprints`).
        #[arg(long, value_name = "NAME")]
        blueprint: String,
        /// A parameter value, `KEY=VALUE`; repeat for several.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
        /// The schema the written spec's modeline names (default: the schema's `$id`); a path
        /// is written as given, so make it relative to where the spec is written.
        #[arg(long, value_name = "PATH_OR_URL")]
        schema: Option<String>,
    },
    /// Write a spec for a trail that exists, from the JSON the AWS CLI prints for it
    /// (scripts/export-trail.sh writes the files); what the spec cannot say becomes a comment and
    /// a note on stderr.
    Import {
        /// AWS CLI outputs, in any order, each recognized by its shape: describe-trails and,
        /// when given, get-trail-status, get-event-selectors, get-insight-selectors, the bucket's
        /// get-bucket-versioning, -encryption, -lifecycle-configuration, -logging and
        /// get-public-access-block, kms describe-key, logs describe-log-groups and
        /// describe-metric-filters, cloudwatch describe-alarms, sns get-topic-attributes.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The trail to import when describe-trails lists several (name or ARN).
        #[arg(long, value_name = "NAME")]
        trail: Option<String>,
        /// The organization's id (`o-...`), needed for an organization trail.
        #[arg(long, value_name = "ID")]
        organization_id: Option<String>,
        /// The schema the written spec's modeline names (default: the schema's `$id`).
        #[arg(long, value_name = "PATH_OR_URL")]
        schema: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Compare a spec with the trail it describes as deployed (the AWS CLI's JSON of it): one
    /// finding per setting that differs, at the spec line that sets it; exit 1 when any does.
    Drift {
        /// The spec the trail was deployed from.
        spec: PathBuf,
        /// AWS CLI outputs of the deployed trail, as `import` reads them
        /// (scripts/export-trail.sh writes them).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The trail in describe-trails to compare (default: the spec's trail name).
        #[arg(long, value_name = "NAME")]
        trail: Option<String>,
        /// How to print the findings: text for people, json for tools, sarif for code scanning.
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
    },
    /// List the blueprints with their descriptions and parameters.
    Blueprints,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), made from the same definitions as `--help`.
    Man {
        /// Write trailsmith.1 and a page per subcommand (trailsmith-synth.1, ...) into DIR instead.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ReportFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExplainFormat {
    Text,
    Mermaid,
}

#[derive(Clone, Copy, ValueEnum)]
enum TargetArg {
    #[value(alias = "cfn")]
    Cloudformation,
    #[value(alias = "tf")]
    Terraform,
}

impl From<TargetArg> for Target {
    fn from(t: TargetArg) -> Target {
        match t {
            TargetArg::Cloudformation => Target::CloudFormation,
            TargetArg::Terraform => Target::Terraform,
        }
    }
}

/// A hashicorp/aws major version, as `--aws-provider` names it.
#[derive(Clone, Copy, ValueEnum)]
enum ProviderArg {
    #[value(name = "5")]
    V5,
    #[value(name = "6")]
    V6,
}

impl From<ProviderArg> for crate::spec::ProviderLine {
    fn from(p: ProviderArg) -> Self {
        match p {
            ProviderArg::V5 => crate::spec::ProviderLine::V5,
            ProviderArg::V6 => crate::spec::ProviderLine::V6,
        }
    }
}

/// A part of an organization layout, as `--part` names it.
#[derive(Clone, Copy, ValueEnum)]
enum PartArg {
    LogArchive,
    Management,
}

impl From<PartArg> for crate::layout::Part {
    fn from(p: PartArg) -> crate::layout::Part {
        match p {
            PartArg::LogArchive => crate::layout::Part::LogArchive,
            PartArg::Management => crate::layout::Part::Management,
        }
    }
}

/// A failure that is not about a spec's content: exit code 2.
pub(crate) struct Usage(pub(crate) String);

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let specs: Vec<&Path> = match &cli.command {
        Command::Validate { specs, .. } | Command::Synth { specs, .. } => {
            specs.iter().map(PathBuf::as_path).collect()
        }
        Command::Explain { spec, .. } | Command::Drift { spec, .. } => vec![spec.as_path()],
        _ => Vec::new(),
    };
    let catalog = match config::blueprints_dir(cli.blueprints.as_deref(), &specs)
        .and_then(|dir| load_catalog(dir.as_deref()))
    {
        Ok(catalog) => catalog,
        Err(Usage(message)) => {
            eprintln!("trailsmith: {message}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Validate {
            specs,
            format,
            deny_warnings,
        } => validate(&specs, format, deny_warnings, &catalog),
        Command::Synth {
            specs,
            target,
            output,
            out_dir,
            part,
            check,
            diff,
            quiet,
            deny_warnings,
            aws_provider,
        } => {
            let options = SynthOptions {
                target: target.into(),
                aws_provider: aws_provider.map(Into::into),
                output,
                out_dir,
                part: part.map(Into::into),
                check,
                report: check::Report { diff, quiet },
                deny_warnings,
            };
            synth(&specs, &options, &catalog)
        }
        Command::Explain { spec, format } => explain(&spec, format, &catalog),
        Command::Schema { output } => match output {
            None => {
                print(&crate::spec::schema_text());
                Ok(true)
            }
            Some(path) => write_atomic(&path, crate::spec::schema_text().as_bytes())
                .map(|()| true)
                .map_err(|f| Usage(f.to_string())),
        },
        Command::Init {
            blueprint,
            set,
            output,
            force,
            schema,
        } => {
            let schema = schema.unwrap_or_else(|| adopt::SCHEMA_ID.to_string());
            init(
                &catalog,
                &blueprint,
                &set,
                output.as_deref(),
                force,
                &schema,
            )
        }
        Command::Import {
            files,
            trail,
            organization_id,
            schema,
            output,
            force,
        } => adopt::import(
            &files,
            &adopt::ImportOptions {
                output: output.as_deref(),
                force,
                trail: trail.as_deref(),
                organization_id,
                schema,
            },
        ),
        Command::Drift {
            spec,
            files,
            trail,
            format,
        } => adopt::drift(&spec, &files, trail.as_deref(), format, &catalog),
        Command::Blueprints => {
            print(&catalog.listing());
            Ok(true)
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "trailsmith", &mut out);
            print(&String::from_utf8_lossy(&out));
            Ok(true)
        }
        Command::Man { out_dir } => man(out_dir.as_deref()),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(Usage(message)) => {
            eprintln!("trailsmith: {message}");
            ExitCode::from(2)
        }
    }
}

pub(crate) fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`trailsmith schema | head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

fn display(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// Prints one spec's findings as text on stderr, each with the source line it points at, and a
/// count when the spec fails. Silenced findings are counted, not shown.
pub(crate) fn report(
    file: &str,
    source: Option<&str>,
    diagnostics: &[Diagnostic],
    deny_warnings: bool,
) {
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "{}",
        crate::diag::text::render_all(file, source, diagnostics)
    );
    if fails(diagnostics, deny_warnings) {
        let _ = writeln!(
            err,
            "{}",
            crate::diag::text::summary(file, diagnostics, deny_warnings)
        );
    }
}

/// A spec fails on an error, or with `--deny-warnings` on a warning it does not silence.
fn fails(diagnostics: &[Diagnostic], deny_warnings: bool) -> bool {
    has_errors(diagnostics) || (deny_warnings && crate::diag::has_warnings(diagnostics))
}

/// Standard input can be read once.
fn stdin_once(specs: &[PathBuf]) -> Result<(), Usage> {
    if specs
        .iter()
        .filter(|s| s.as_path() == Path::new("-"))
        .count()
        > 1
    {
        return Err(Usage("`-` (standard input) can be given once".into()));
    }
    Ok(())
}

fn validate(
    specs: &[PathBuf],
    format: ReportFormat,
    deny_warnings: bool,
    catalog: &Catalog,
) -> Result<bool, Usage> {
    stdin_once(specs)?;
    let texts = read_all(specs)?;
    let found = parallel::parallel_map(&texts, |text| match text {
        Ok(text) => crate::validate::check_with(text, catalog).diagnostics,
        Err(d) => vec![d.clone()],
    });
    let checked: Vec<(String, Option<String>, Vec<Diagnostic>)> = specs
        .iter()
        .zip(texts)
        .zip(found)
        .map(|((path, text), diagnostics)| (display(path), text.ok(), diagnostics))
        .collect();
    let ok = !checked.iter().any(|(_, _, d)| fails(d, deny_warnings));
    match format {
        ReportFormat::Text => {
            for (file, source, diagnostics) in &checked {
                report(file, source.as_deref(), diagnostics, deny_warnings);
                if !fails(diagnostics, deny_warnings) {
                    eprintln!("{file}: valid");
                }
            }
        }
        ReportFormat::Json | ReportFormat::Sarif => {
            let files: Vec<crate::diag::FileFindings> = checked
                .iter()
                .map(|(file, _, diagnostics)| crate::diag::FileFindings {
                    file,
                    diagnostics,
                    fails: fails(diagnostics, deny_warnings),
                })
                .collect();
            print_findings(format, &files);
        }
    }
    Ok(ok)
}

/// The findings of `validate` or `drift` as one JSON or SARIF document on stdout.
pub(crate) fn print_findings(format: ReportFormat, files: &[crate::diag::FileFindings]) {
    print(&match format {
        ReportFormat::Sarif => crate::diag::sarif::document(files),
        _ => crate::diag::json::document(files),
    });
}

/// A spec read and checked, for the commands that need it valid.
pub(crate) struct Valid {
    pub file: String,
    pub text: String,
    pub spec: crate::spec::Spec,
    pub selectors: crate::selectors::Selectors,
}

/// The spec at `path` when it is valid; `None` when it is not, its findings reported.
pub(crate) fn valid_spec(path: &Path, catalog: &Catalog) -> Result<Option<Valid>, Usage> {
    let file = display(path);
    let text = match read(path)? {
        Ok(text) => text,
        Err(d) => {
            report(&file, None, &[d], false);
            return Ok(None);
        }
    };
    let checked = crate::validate::check_with(&text, catalog);
    let (Some(spec), Some(selectors)) = (checked.spec, checked.selectors) else {
        report(&file, Some(&text), &checked.diagnostics, false);
        return Ok(None);
    };
    Ok(Some(Valid {
        file,
        text,
        spec,
        selectors,
    }))
}

/// Prints what a spec creates, records, allows and costs; a spec with errors is reported instead.
fn explain(path: &Path, format: ExplainFormat, catalog: &Catalog) -> Result<bool, Usage> {
    let Some(Valid {
        spec, selectors, ..
    }) = valid_spec(path, catalog)?
    else {
        return Ok(false);
    };
    let models = crate::model::lower_all(&spec, selectors);
    print(&match format {
        ExplainFormat::Text => crate::explain::text_all(&spec, &models),
        ExplainFormat::Mermaid => crate::explain::mermaid_all(&models),
    });
    Ok(true)
}

/// The manual pages, from the same definitions as `--help`: the main page on stdout, or every
/// page into a directory (the subcommand pages the main page refers to).
fn man(out_dir: Option<&Path>) -> Result<bool, Usage> {
    let mut cli = Cli::command().disable_help_subcommand(true);
    cli.build();
    let render = |command: clap::Command| {
        let page = clap_mangen::Man::new(command);
        let mut roff = Vec::new();
        page.render(&mut roff)
            .map(|_| (page.get_filename(), roff))
            .map_err(|e| Usage(format!("cannot render the manual page: {e}")))
    };
    let Some(dir) = out_dir else {
        print(&String::from_utf8_lossy(&render(cli)?.1));
        return Ok(true);
    };
    let mut pages = vec![render(cli.clone())?];
    for sub in cli.get_subcommands() {
        pages.push(render(sub.clone())?);
    }
    for (name, roff) in pages {
        let path = dir.join(name);
        write_atomic(&path, &roff).map_err(|f| Usage(f.to_string()))?;
    }
    Ok(true)
}
