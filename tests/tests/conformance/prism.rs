//! Runs Prism for one document and records every exchange that passes through it.
//!
//! Prism marks a request that breaks the document with an `sl-violations` header (a JSON
//! list of `{location, severity, code, message}`), and also lists there the places where its
//! own generated response breaks the document (`location[0] == "response"`). The generated
//! client never sees that header on an error, so the client talks to a small recording
//! proxy on `127.0.0.1` that forwards every request to Prism unchanged and keeps, per
//! exchange, the method, the path, the status and the violations.
//!
//! Prism comes from `tools/prism` (`npm ci --prefix tools/prism`), or from the path in the
//! `PRISM` environment variable. When it is missing the test fails and says how to install it:
//! a conformance suite that skips itself silently proves nothing.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use tokio::task::JoinHandle;

use crate::BoxError;

/// How Prism makes up its answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The document's examples, or one built from the schema where there is none.
    Static,
    /// Schema-built answers only, examples ignored (a Prism started with `--ignoreExamples`).
    SchemaOnly,
    /// Random data from the schemas (what `-d` does), reproducible with this seed: the proxy
    /// asks for it per request with `Prefer: dynamic=true, seed=…`, so one Prism serves every
    /// mode but [`SchemaOnly`](Mode::SchemaOnly).
    Dynamic(u32),
}

/// One finding of Prism's validator, as sent in `sl-violations`.
#[derive(Clone, Debug, Deserialize)]
pub struct Violation {
    /// `["request", "query", "limit"]` or `["response", "body", …]`.
    pub location: Vec<String>,
    /// The message, e.g. `Request query parameter limit must be integer`.
    pub message: String,
}

impl Violation {
    /// Whether it is about the request (our side) rather than Prism's generated response.
    pub fn is_request(&self) -> bool {
        self.location.first().is_some_and(|l| l == "request")
    }
}

/// One request that went through the proxy.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// `GET /pets?limit=3`.
    pub request: String,
    /// What Prism answered.
    pub status: u16,
    /// Prism's violations for this exchange (empty when there were none).
    pub violations: Vec<Violation>,
}

/// A running Prism plus the recording proxy in front of it; both stop on drop.
pub struct Prism {
    child: Child,
    proxy: JoinHandle<()>,
    url: String,
    log: PathBuf,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    dynamic_seed: Arc<Mutex<Option<u32>>>,
}

impl Prism {
    /// Starts Prism on `document` (a path relative to the `tests` crate), ignoring the
    /// document's examples when `ignore_examples`, and the proxy in front of it. Waits
    /// (boundedly) until Prism accepts connections.
    pub async fn start(document: &str, ignore_examples: bool) -> Result<Self, BoxError> {
        let binary = binary()?;
        let document = Path::new(env!("CARGO_MANIFEST_DIR")).join(document);
        let port = free_port()?;
        let name = document
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let suffix = if ignore_examples { "-schema-only" } else { "" };
        let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("prism-{name}{suffix}.log"));
        let mut command = Command::new(&binary);
        command
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .arg(&document);
        if ignore_examples {
            command.arg("--ignoreExamples");
        }
        let out = std::fs::File::create(&log)?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .map_err(|e| {
                format!(
                    "could not run Prism at {}: {e}; {INSTALL}",
                    binary.display()
                )
            })?;
        let upstream = format!("http://127.0.0.1:{port}");
        let exchanges = Arc::new(Mutex::new(Vec::new()));
        let dynamic_seed = Arc::new(Mutex::new(None));
        let proxy = Proxy {
            http: sdk_runtime::http_client_builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            upstream,
            exchanges: Arc::clone(&exchanges),
            dynamic_seed: Arc::clone(&dynamic_seed),
        };
        let (proxy, addr) = start_proxy(proxy).await?;
        let mut prism = Self {
            child,
            proxy,
            url: format!("http://{addr}"),
            log,
            exchanges,
            dynamic_seed,
        };
        prism.wait_until_listening(port).await?;
        Ok(prism)
    }

    /// The proxy's URL: the base URL to give the generated client.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Makes the following answers static, or random with a seed (see [`Mode::Dynamic`]).
    pub fn set_mode(&self, mode: Mode) {
        let seed = match mode {
            Mode::Dynamic(seed) => Some(seed),
            Mode::Static | Mode::SchemaOnly => None,
        };
        if let Ok(mut current) = self.dynamic_seed.lock() {
            *current = seed;
        }
    }

    /// Every exchange so far, oldest first.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges.lock().map(|e| e.clone()).unwrap_or_default()
    }

    /// Where Prism's own log goes, for a failure message.
    pub fn log(&self) -> &Path {
        &self.log
    }

    async fn wait_until_listening(&mut self, port: u16) -> Result<(), BoxError> {
        // Prism needs a second or two to load a large document; give it at most a minute.
        for _ in 0..600 {
            if let Some(status) = self.child.try_wait()? {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                return Err(format!("Prism exited ({status}) before listening:\n{log}").into());
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!(
            "Prism did not listen within a minute; see {}",
            self.log.display()
        )
        .into())
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        self.proxy.abort();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ===== internal =====

/// How to install Prism, for every message about it missing.
const INSTALL: &str = "install Prism with `npm ci --prefix tools/prism` (Node 18+), \
     or set PRISM to a `prism` executable";

fn binary() -> Result<PathBuf, BoxError> {
    if let Some(path) = std::env::var_os("PRISM") {
        return Ok(PathBuf::from(path));
    }
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tools/prism");
    let local = tools.join("node_modules/.bin/prism");
    if !local.exists() {
        install(&tools);
    }
    if local.exists() {
        Ok(local)
    } else {
        Err(format!(
            "Prism is not installed ({} is missing) and `npm ci` could not install it: {INSTALL}",
            local.display()
        )
        .into())
    }
}

/// Installs the pinned Prism once per test run, so that `cargo test --workspace` works on a
/// machine with Node and npm but no prior setup (the lock file pins every package).
fn install(tools: &Path) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix"])
            .arg(tools)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .status();
        if let Err(e) = status {
            eprintln!("could not run npm: {e}");
        }
    });
}

/// A port nobody listens on right now (bound by the OS, then released for Prism).
fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

struct Proxy {
    http: reqwest::Client,
    upstream: String,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    dynamic_seed: Arc<Mutex<Option<u32>>>,
}

async fn start_proxy(proxy: Proxy) -> Result<(JoinHandle<()>, SocketAddr), BoxError> {
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(Arc::new(proxy));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((task, addr))
}

/// Forwards one request to Prism and records the exchange.
async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    match try_forward(&proxy, request).await {
        Ok(response) => response,
        Err(e) => {
            let mut response = Response::new(Body::from(format!("proxy error: {e}")));
            *response.status_mut() = StatusCode::BAD_GATEWAY;
            response
        }
    }
}

async fn try_forward(proxy: &Proxy, request: Request) -> Result<Response, BoxError> {
    let (parts, body) = request.into_parts();
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let body = axum::body::to_bytes(body, 64 * 1024 * 1024).await?;
    let mut headers = parts.headers;
    headers.remove(axum::http::header::HOST);
    let seed = proxy.dynamic_seed.lock().ok().and_then(|s| *s);
    if let Some(seed) = seed {
        // A different but reproducible seed per request, so answers vary across calls.
        let n = proxy.exchanges.lock().map(|e| e.len()).unwrap_or_default();
        let prefer = format!("dynamic=true, seed={seed}-{n}");
        headers.insert("prefer", axum::http::HeaderValue::try_from(prefer)?);
    }
    let answer = proxy
        .http
        .request(parts.method.clone(), format!("{}{path}", proxy.upstream))
        .headers(headers)
        .body(body)
        .send()
        .await?;
    let status = answer.status();
    let mut headers = answer.headers().clone();
    let mut violations = headers
        .get("sl-violations")
        .and_then(|v| v.to_str().ok())
        .map(parse_violations)
        .unwrap_or_default();
    let bytes = answer.bytes().await?;
    violations.extend(problem_violations(&bytes));
    if let Ok(mut log) = proxy.exchanges.lock() {
        log.push(Exchange {
            request: format!("{} {path}", parts.method),
            status: status.as_u16(),
            violations,
        });
    }
    for hop in [
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
    ] {
        headers.remove(HeaderName::from_static(hop));
    }
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    Ok(response)
}

/// Prism's own error answers (`application/problem+json` with a `type` under
/// [`PRISM_ERRORS`]): a request it could not route, or one so invalid that the document has no
/// response to answer it with. Those carry their violations in the body, not the header.
fn problem_violations(body: &[u8]) -> Vec<Violation> {
    #[derive(Deserialize)]
    struct Problem {
        r#type: String,
        title: Option<String>,
        detail: Option<String>,
        #[serde(default)]
        validation: Vec<Violation>,
    }
    let Ok(problem) = serde_json::from_slice::<Problem>(body) else {
        return Vec::new();
    };
    if !problem.r#type.starts_with(PRISM_ERRORS) {
        return Vec::new();
    }
    if problem.validation.is_empty() {
        let message = [problem.title, problem.detail].into_iter().flatten();
        return vec![Violation {
            location: vec!["request".to_owned()],
            message: message.collect::<Vec<_>>().join(": "),
        }];
    }
    let in_request = |mut v: Violation| {
        v.location.insert(0, "request".to_owned());
        v
    };
    problem.validation.into_iter().map(in_request).collect()
}

/// The prefix of the `type` of every error Prism makes up itself.
const PRISM_ERRORS: &str = "https://stoplight.io/prism/errors#";

/// Parses `sl-violations`; a value Prism cut short ("Too many violations! …") or that is not
/// JSON becomes one violation carrying the raw text, so it is never lost.
fn parse_violations(raw: &str) -> Vec<Violation> {
    serde_json::from_str(raw).unwrap_or_else(|_| {
        vec![Violation {
            location: vec!["request".to_owned()],
            message: raw.to_owned(),
        }]
    })
}
