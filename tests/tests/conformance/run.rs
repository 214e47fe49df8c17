//! One pass of hand-written calls against Prism, and what it found.
//!
//! A [`Run`] records each call's outcome next to the exchanges Prism saw during it. At the end
//! every problem is sorted into one of two piles: explained by a [`Known`] bug of the
//! document (listed, with the reason, in the report) or unexplained (the test fails). Nothing
//! is dropped: a known bug still shows up in the printed report every time it occurs.

use std::fmt::{self, Write as _};

use crate::BoxError;
use crate::prism::{Exchange, Mode, Prism};

/// A bug of the document (not of the generator) that makes a call fail, matched by the
/// call's name. A decode failure needs no entry when Prism flags its own answer as breaking
/// the document: that is recognised by itself (and still reported).
pub struct Known {
    /// The call's name as passed to [`Run::call`].
    pub call: &'static str,
    /// Why it is the document's fault, for the report.
    pub why: &'static str,
}

/// Modes every document runs in: examples, schema-built answers, and three seeds of
/// random data.
pub const MODES: [Mode; 5] = [
    Mode::Static,
    Mode::SchemaOnly,
    Mode::Dynamic(1),
    Mode::Dynamic(2),
    Mode::Dynamic(3),
];

/// The calls of one document against one Prism; see the module docs.
pub struct Run<'p> {
    document: &'static str,
    mode: Mode,
    prism: &'p Prism,
    calls: Vec<Call>,
    seen: usize,
}

/// Counts over a finished run.
#[derive(Debug, Default)]
pub struct Report {
    pub requests: usize,
    pub request_violations: usize,
    pub response_violations: usize,
    pub decode_failures: usize,
    pub status_failures: usize,
    /// Problems explained by a [`Known`] document bug, one line each.
    pub known: Vec<String>,
    /// Problems nobody explained, one line each: the test fails on these.
    pub unexplained: Vec<String>,
}

impl<'p> Run<'p> {
    /// Switches `prism` to `mode` for the calls that follow.
    pub fn new(document: &'static str, mode: Mode, prism: &'p Prism) -> Self {
        prism.set_mode(mode);
        Self {
            document,
            mode,
            prism,
            calls: Vec::new(),
            seen: prism.exchanges().len(),
        }
    }

    /// The base URL for the generated client.
    pub fn url(&self) -> &str {
        self.prism.url()
    }

    /// Records the outcome of the call named `name`; returns the value when it decoded.
    pub fn call<T>(
        &mut self,
        name: &'static str,
        result: sdk_runtime::Result<sdk_runtime::Response<T>>,
    ) -> Option<T> {
        let exchanges = self.prism.exchanges();
        let during = exchanges.get(self.seen..).unwrap_or_default().to_vec();
        self.seen = exchanges.len();
        let (outcome, value) = match result {
            Ok(response) => (Outcome::Ok, Some(response.into_inner())),
            Err(e) if e.is_decode() => (Outcome::Decode(chain(&e, e.raw_body())), None),
            Err(e) if e.is_status() => (Outcome::Status(chain(&e, e.raw_body())), None),
            Err(e) => (Outcome::Other(chain(&e, None)), None),
        };
        self.calls.push(Call {
            name,
            outcome,
            exchanges: during,
        });
        value
    }

    /// Sorts every problem of the run (see the module docs).
    pub fn finish(self, known: &[Known]) -> Report {
        let mut report = Report::default();
        for call in &self.calls {
            let mut why = known.iter().find(|k| k.call == call.name).map(|k| k.why);
            let mut problems = Vec::new();
            if call.exchanges.is_empty() {
                problems.push("never reached Prism".to_owned());
            }
            report.requests += call.exchanges.len();
            for exchange in &call.exchanges {
                for v in &exchange.violations {
                    let text = format!(
                        "{} violation in {} ({}): {} {}",
                        if v.is_request() {
                            "request"
                        } else {
                            "response"
                        },
                        exchange.request,
                        exchange.status,
                        v.location.join("."),
                        v.message
                    );
                    if v.is_request() {
                        report.request_violations += 1;
                        problems.push(text);
                    } else {
                        // Prism's own answer breaks the document: reported, never our bug.
                        report.response_violations += 1;
                        report.known.push(format!("{}: {text}", call.name));
                    }
                }
            }
            match &call.outcome {
                Outcome::Ok => {}
                Outcome::Decode(e) => {
                    report.decode_failures += 1;
                    problems.push(format!("decode failure: {e}"));
                    // Prism itself says its answer breaks the schema (a wrong example): the
                    // types are right to refuse it. Any other decode failure is ours.
                    if why.is_none() && call.answer_breaks_document() {
                        why = Some(ANSWER_BREAKS_DOCUMENT);
                    }
                }
                Outcome::Status(e) => {
                    report.status_failures += 1;
                    problems.push(format!("error status: {e}"));
                }
                Outcome::Other(e) => problems.push(format!("failed: {e}")),
            }
            for problem in problems {
                let line = format!(
                    "{} [{:?}] {}: {problem}",
                    self.document, self.mode, call.name
                );
                match why {
                    Some(why) => report.known.push(format!("{line} (document bug: {why})")),
                    None => report.unexplained.push(line),
                }
            }
        }
        if !report.unexplained.is_empty() {
            report
                .unexplained
                .push(format!("Prism's log: {}", self.prism.log().display()));
        }
        report
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} requests, {} request violations, {} response violations, {} decode failures, \
             {} error statuses",
            self.requests,
            self.request_violations,
            self.response_violations,
            self.decode_failures,
            self.status_failures
        )
    }
}

/// Runs `calls` against Prism on `document` in every mode of [`MODES`], prints one report line
/// per mode plus every known document bug that showed up, and fails with every unexplained
/// problem.
pub async fn check_document<F>(
    document: &'static str,
    known: &[Known],
    mut calls: F,
) -> Result<(), BoxError>
where
    F: AsyncFnMut(&mut Run<'_>) -> Result<(), BoxError>,
{
    let (with_examples, schema_only) =
        tokio::try_join!(Prism::start(document, false), Prism::start(document, true))?;
    let mut unexplained = Vec::new();
    let mut summary = String::new();
    for mode in MODES {
        let prism = match mode {
            Mode::SchemaOnly => &schema_only,
            Mode::Static | Mode::Dynamic(_) => &with_examples,
        };
        let mut run = Run::new(document, mode, prism);
        calls(&mut run).await?;
        let report = run.finish(known);
        let _ = writeln!(summary, "{document} [{mode:?}]: {report}");
        for line in &report.known {
            let _ = writeln!(summary, "  known: {line}");
        }
        unexplained.extend(report.unexplained);
    }
    eprint!("{summary}");
    if unexplained.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n{summary}", unexplained.join("\n")).into())
    }
}

/// Declares one document's test, with the document's path written once: the generated client
/// as `mod api`, the path as `const DOCUMENT` (so Prism always serves the file the client was
/// generated from), and a `#[tokio::test]` named `$test` that passes `$known` and `$calls` to
/// [`check_document`].
///
/// ```ignore
/// conformance_test!(mux, "../spec/real/mux.com.json", KNOWN, calls);
/// ```
macro_rules! conformance_test {
    ($test:ident, $document:literal, $known:expr, $calls:expr) => {
        mod api {
            sdk_runtime::generate_client!($document);
        }

        const DOCUMENT: &str = $document;

        #[tokio::test]
        async fn $test() -> Result<(), $crate::BoxError> {
            $crate::run::check_document(DOCUMENT, $known, $calls).await
        }
    };
}

pub(crate) use conformance_test;

// ===== internal =====

/// Why a decode failure is the document's fault when Prism flagged its own answer.
const ANSWER_BREAKS_DOCUMENT: &str = "Prism's answer (the document's example) breaks the \
     document's own schema, as its response violations say; the generated types follow the schema";

struct Call {
    name: &'static str,
    outcome: Outcome,
    exchanges: Vec<Exchange>,
}

impl Call {
    fn answer_breaks_document(&self) -> bool {
        self.exchanges
            .iter()
            .flat_map(|e| &e.violations)
            .any(|v| !v.is_request())
    }
}

enum Outcome {
    Ok,
    Decode(String),
    Status(String),
    Other(String),
}

/// The error, its causes and (shortened) the body it was about.
fn chain(error: &sdk_runtime::Error, body: Option<&[u8]>) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let _ = write!(text, ": {cause}");
        source = cause.source();
    }
    if let Some(body) = body {
        let body = String::from_utf8_lossy(body);
        let cut: String = body.chars().take(300).collect();
        let _ = write!(text, "; body: {cut}");
    }
    text
}
