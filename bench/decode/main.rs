//! Decoding speed: the generated types' hand-written serde impls against serde's derive on
//! the same schemas. Built and run by `bench/decode/run.sh`, which lays out a workspace in
//! `work/bench/`: the reduced documents (`docs/`), the faker's instances (`instances/`),
//! one crate per side (`ours`, `derive`, built in parallel; `codec` is what they share)
//! and this binary.
//!
//! For each payload, rounds alternate the contenders (the first one rotates); each round
//! decodes, then encodes, the payload for about `SAMPLE_MS` and records MB/s. The medians
//! go to stdout as Markdown table rows, with the allocations of one decode and one encode
//! counted by the global allocator below.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

use serde_json::Value;

use codec::Codec;

// ----- allocation counting -----

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static ALLOCATED_BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        ALLOCATED_BYTES.fetch_add(layout.size() as u64, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Relaxed);
        ALLOCATED_BYTES.fetch_add(new_size as u64, Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations and bytes allocated while `f` runs.
fn allocations_of<R>(f: impl FnOnce() -> R) -> (u64, u64, R) {
    let (calls, bytes) = (ALLOCATIONS.load(Relaxed), ALLOCATED_BYTES.load(Relaxed));
    let out = f();
    (
        ALLOCATIONS.load(Relaxed) - calls,
        ALLOCATED_BYTES.load(Relaxed) - bytes,
        out,
    )
}

// ----- payloads -----

/// A payload: how the faker's instances of its element schema become one document.
struct Case {
    name: &'static str,
    payload: &'static str,
    assemble: fn(Vec<Value>) -> Value,
    /// How many accepted instances make the payload.
    take: usize,
    /// Which of the faker's instances: `random` ones, or the `all-optional` edge case.
    kind: &'static str,
}

fn cases() -> [Case; 3] {
    [
        Case {
            name: "GitHub: 100 repositories (`minimal-repository`)",
            payload: "github",
            assemble: Value::Array,
            take: 100,
            kind: "random",
        },
        Case {
            name: "Stripe: a list of 100 charges (`charge`, in `ChargeList`)",
            payload: "stripe",
            assemble: |data| {
                serde_json::json!({
                    "data": data, "has_more": false, "object": "list", "url": "/v1/charges"
                })
            },
            take: 100,
            kind: "random",
        },
        Case {
            name: "DocuSign: one envelope (`envelope`, every optional property present)",
            payload: "docusign",
            assemble: |mut one| one.remove(0),
            take: 1,
            kind: "all-optional",
        },
    ]
}

/// The payload made of the instances every contender accepts (decodes, re-encodes,
/// decodes again), up to `case.take`; the rejections are reported, not hidden.
fn payload_of(case: &Case, codecs: &[&Codec], base: &std::path::Path) -> (Vec<u8>, String) {
    let path = base.join("instances").join(format!("{}.json", case.payload));
    let text = std::fs::read_to_string(&path).expect("the instances exist");
    let file: Value = serde_json::from_str(&text).expect("the instances are JSON");
    let instances = file["schemas"][0]["instances"].as_array().expect("instances");
    let mut kept = Vec::new();
    let mut rejected = vec![(0usize, None::<String>); codecs.len()];
    let mut offered = 0;
    for instance in instances.iter().filter(|i| i["kind"] == case.kind) {
        offered += 1;
        let json = instance["value"].to_string();
        let mut accepted = true;
        for (codec, (count, first)) in codecs.iter().zip(&mut rejected) {
            if let Err(e) = (codec.accepts_item)(&json) {
                *count += 1;
                first.get_or_insert(e);
                accepted = false;
            }
        }
        if accepted && kept.len() < case.take {
            kept.push(instance["value"].clone());
        }
    }
    assert_eq!(kept.len(), case.take, "{}: too few accepted instances", case.name);
    let mut note = String::new();
    for (codec, (count, first)) in codecs.iter().zip(&rejected) {
        if *count > 0 {
            note += &format!(
                "{} rejected {count} of the faker's {offered} {} instances (the first: {}). ",
                codec.contender,
                case.kind,
                first.as_deref().unwrap_or("")
            );
        }
    }
    let bytes = serde_json::to_vec(&(case.assemble)(kept)).expect("JSON values encode");
    let text = std::str::from_utf8(&bytes).expect("JSON is UTF-8");
    for codec in codecs {
        if let Err(e) = (codec.accepts_whole)(text) {
            panic!("{}: {} rejects the payload: {e}", case.name, codec.contender);
        }
    }
    (bytes, note)
}

// ----- timing -----

/// MB/s of `f` over `bytes`-sized runs, one sample of about `sample`.
fn sample(bytes: usize, sample: Duration, f: &dyn Fn() -> usize) -> f64 {
    let start = Instant::now();
    let mut runs = 0u64;
    while start.elapsed() < sample {
        std::hint::black_box(f());
        runs += 1;
    }
    (bytes as f64 * runs as f64) / start.elapsed().as_secs_f64() / 1e6
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let base = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let rounds = env_number("ROUNDS", 15) as usize;
    let sample_time = Duration::from_millis(env_number("SAMPLE_MS", 200));
    let all: Vec<Codec> = ours::codecs().into_iter().chain(derive::codecs()).collect();
    let mut notes = Vec::new();
    let mut targets = Vec::new();
    // `DECODE_PROFILE=github,ours` decodes that payload with that contender's type 200
    // times and prints nothing else: a process to run under `perf record` or callgrind.
    let profile = std::env::var("DECODE_PROFILE").ok();
    let profile = profile.as_deref().and_then(|p| p.split_once(','));
    if profile.is_none() {
    println!(
        "| payload | size (KB) | contender | decode (MB/s) | encode (MB/s) | decode: ours ÷ it | encode: ours ÷ it | allocations per decode | KB allocated per decode | allocations per encode |"
    );
    println!("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    }
    for case in cases() {
        if let Some((payload, contender)) = profile {
            if payload != case.payload {
                continue;
            }
            let codecs: Vec<&Codec> = all.iter().filter(|c| c.payload == case.payload).collect();
            let (bytes, _) = payload_of(&case, &codecs, base);
            let codec = codecs.iter().find(|c| c.contender == contender).expect("a contender");
            for _ in 0..200 {
                std::hint::black_box((codec.decode)(&bytes));
            }
            return;
        }
        // Ours first: the ratios divide by the other rows.
        let codecs: Vec<&Codec> = all.iter().filter(|c| c.payload == case.payload).collect();
        let (bytes, note) = payload_of(&case, &codecs, base);
        if !note.is_empty() {
            notes.push(format!("{}: {note}", case.name));
        }
        let n = codecs.len();
        let encoders: Vec<_> = codecs.iter().map(|c| (c.encoder)(&bytes)).collect();
        let encoded_len: Vec<usize> = encoders.iter().map(|e| e()).collect();
        let mut decode_samples = vec![Vec::new(); n];
        let mut encode_samples = vec![Vec::new(); n];
        for round in 0..rounds {
            for k in 0..n {
                let i = (round + k) % n;
                let decode = codecs[i].decode;
                decode_samples[i].push(sample(bytes.len(), sample_time, &|| decode(&bytes)));
                encode_samples[i].push(sample(encoded_len[i], sample_time, &*encoders[i]));
            }
        }
        let decode_mbs: Vec<f64> = decode_samples.into_iter().map(median).collect();
        let encode_mbs: Vec<f64> = encode_samples.into_iter().map(median).collect();
        for (i, codec) in codecs.iter().enumerate() {
            let (calls, allocated, _) = allocations_of(|| (codec.decode)(&bytes));
            let (encode_calls, _, _) = allocations_of(|| encoders[i]());
            let ratio = |ours: f64, it: f64| {
                if i == 0 { "—".to_owned() } else { format!("{:.2}×", ours / it) }
            };
            println!(
                "| {} | {:.1} | {} | {:.1} | {:.1} | {} | {} | {} | {:.1} | {} |",
                if i == 0 { case.name } else { "" },
                bytes.len() as f64 / 1e3,
                codec.contender,
                decode_mbs[i],
                encode_mbs[i],
                ratio(decode_mbs[0], decode_mbs[i]),
                ratio(encode_mbs[0], encode_mbs[i]),
                calls,
                allocated as f64 / 1e3,
                encode_calls,
            );
        }
        // The serde-derive reference: the last contender (the derive twin where there is one,
        // whose field types are ours; otherwise openapi-to-rust's output).
        let reference = n - 1;
        let ratio = decode_mbs[0] / decode_mbs[reference];
        targets.push(format!(
            "{}: decode ≥ 1.0× serde derive ({}): **{}** ({:.1} MB/s against {:.1}, {:.2}×)",
            case.name,
            codecs[reference].contender,
            if ratio >= 1.0 { "met" } else { "not met" },
            decode_mbs[0],
            decode_mbs[reference],
            ratio,
        ));
    }
    println!();
    println!("Targets:");
    println!();
    for target in targets {
        println!("- {target}");
    }
    println!();
    for note in notes {
        println!("- {note}");
    }
}
