//! A scripted HTTP/1.1 server on raw TCP, for misbehaviour no framework would produce:
//! bodies shorter than their `Content-Length`, bytes that are not UTF-8 in header values,
//! connections that are accepted and never answered, bodies that never end.
//!
//! Every connection serves one request: the server reads the request head (and a body of
//! `Content-Length` bytes), records it, then plays the [`Reply`] the test chose for it and
//! reports how far it got ([`Outcome`]): a client that stops reading early shows up as a
//! write error before the reply was complete. Dropping the server aborts every connection.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Longest request head the server reads before giving up on a connection.
const MAX_HEAD: usize = 64 * 1024;

/// How long a [`Step::Hang`] holds a connection: far longer than any client timeout in these
/// tests, and finite so a forgotten server cannot keep the test binary alive.
const HANG: Duration = Duration::from_secs(120);

/// What the server writes on one connection, step by step.
#[derive(Clone, Debug)]
pub enum Step {
    /// Writes these bytes.
    Write(Vec<u8>),
    /// Writes `chunk` `times` times (a body far larger than anything the client accepts).
    Repeat { chunk: Vec<u8>, times: usize },
    /// Holds the connection open without writing.
    Hang,
}

/// The script for one connection.
#[derive(Clone, Debug, Default)]
pub struct Reply {
    steps: Vec<Step>,
}

impl Reply {
    /// A complete response: status line, headers, `Content-Length`, `Connection: close`, body.
    pub fn full(status: &str, headers: &[(&str, &[u8])], body: &[u8]) -> Self {
        let length = body.len().to_string();
        let mut all: Vec<(&str, &[u8])> = headers.to_vec();
        all.push(("content-length", length.as_bytes()));
        Self::default().head(status, &all).bytes(body)
    }

    /// A JSON response with a request ID.
    pub fn json(status: &str, request_id: &str, body: &str) -> Self {
        Self::full(
            status,
            &[
                ("content-type", b"application/json"),
                ("x-request-id", request_id.as_bytes()),
            ],
            body.as_bytes(),
        )
    }

    /// Appends a status line and headers (plus `Connection: close`), no body.
    pub fn head(self, status: &str, headers: &[(&str, &[u8])]) -> Self {
        let mut bytes = format!("HTTP/1.1 {status}\r\nconnection: close\r\n").into_bytes();
        for (name, value) in headers {
            bytes.extend_from_slice(name.as_bytes());
            bytes.extend_from_slice(b": ");
            bytes.extend_from_slice(value);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(b"\r\n");
        self.bytes(&bytes)
    }

    /// Appends raw bytes.
    pub fn bytes(mut self, bytes: &[u8]) -> Self {
        self.steps.push(Step::Write(bytes.to_vec()));
        self
    }

    /// Appends `chunk`, `times` times.
    pub fn repeat(mut self, chunk: Vec<u8>, times: usize) -> Self {
        self.steps.push(Step::Repeat { chunk, times });
        self
    }

    /// Holds the connection open after what was written so far.
    pub fn hang(mut self) -> Self {
        self.steps.push(Step::Hang);
        self
    }

    /// The bytes a complete run of the script would write.
    pub fn total_len(&self) -> usize {
        self.steps
            .iter()
            .map(|s| match s {
                Step::Write(b) => b.len(),
                Step::Repeat { chunk, times } => chunk.len() * times,
                Step::Hang => 0,
            })
            .sum()
    }
}

/// How far one connection's script got.
#[derive(Debug)]
pub struct Outcome {
    /// Bytes written before the script ended or failed.
    pub written: usize,
    /// The write error, when the client went away first.
    pub error: Option<std::io::Error>,
}

/// The scripted server; see the module docs.
pub struct RawServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    outcomes: mpsc::UnboundedReceiver<Outcome>,
    task: JoinHandle<()>,
}

impl RawServer {
    /// Listens on `127.0.0.1` and answers every connection with `reply`.
    pub async fn start(reply: Reply) -> std::io::Result<Self> {
        Self::start_on("127.0.0.1", move |_| reply.clone()).await
    }

    /// Listens on `host` (a loopback address) and answers each request with `script(head)`,
    /// `head` being the request line and headers as text.
    pub async fn start_on(
        host: &str,
        script: impl Fn(&str) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind((host, 0)).await?;
        let addr = listener.local_addr()?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (tx, outcomes) = mpsc::unbounded_channel();
        let script = Arc::new(script);
        let seen = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            // Connection tasks live in this set, so aborting the accept loop aborts them all.
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                let (script, seen, tx) = (Arc::clone(&script), Arc::clone(&seen), tx.clone());
                connections.spawn(async move {
                    if let Some(outcome) = serve(stream, &*script, &seen).await {
                        let _ = tx.send(outcome);
                    }
                });
            }
        });
        Ok(Self {
            addr,
            requests,
            outcomes,
            task,
        })
    }

    /// `http://host:port`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The request heads received so far, oldest first (header values decoded lossily).
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Waits (at most 30 s, a bound rather than an expectation) for the next connection's
    /// script to end.
    pub async fn next_outcome(&mut self) -> Option<Outcome> {
        tokio::time::timeout(Duration::from_secs(30), self.outcomes.recv())
            .await
            .ok()
            .flatten()
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

// ===== internal =====

/// Reads one request, records it, plays the script; `None` when the request never arrived.
async fn serve(
    mut stream: TcpStream,
    script: &(dyn Fn(&str) -> Reply + Send + Sync),
    seen: &Mutex<Vec<String>>,
) -> Option<Outcome> {
    let head = read_request(&mut stream).await?;
    if let Ok(mut seen) = seen.lock() {
        seen.push(head.clone());
    }
    let reply = script(&head);
    let mut written = 0;
    for step in reply.steps {
        let result = match step {
            Step::Write(bytes) => write(&mut stream, &bytes, &mut written).await,
            Step::Repeat { chunk, times } => {
                let mut result = Ok(());
                for _ in 0..times {
                    result = write(&mut stream, &chunk, &mut written).await;
                    if result.is_err() {
                        break;
                    }
                }
                result
            }
            Step::Hang => {
                tokio::time::sleep(HANG).await;
                Ok(())
            }
        };
        if let Err(error) = result {
            return Some(Outcome {
                written,
                error: Some(error),
            });
        }
    }
    let _ = stream.shutdown().await;
    Some(Outcome {
        written,
        error: None,
    })
}

async fn write(stream: &mut TcpStream, bytes: &[u8], written: &mut usize) -> std::io::Result<()> {
    stream.write_all(bytes).await?;
    stream.flush().await?;
    *written += bytes.len();
    Ok(())
}

/// The request head as text, after reading (and discarding) a `Content-Length` body.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut remaining = length.saturating_sub(buf.len() - end);
    while remaining > 0 {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        remaining = remaining.saturating_sub(n);
    }
    Some(head)
}
