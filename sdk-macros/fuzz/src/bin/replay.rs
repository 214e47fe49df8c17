//! Runs the pipeline on each file given (or each file in each directory given) and prints
//! one line per document: its size, the time taken and the outcome. A panic is a bug.
//!
//! ```text
//! cargo run --release --bin replay -- ../tests/ui/specs regressions/
//! ```

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut files: Vec<PathBuf> = Vec::new();
    for arg in std::env::args_os().skip(1) {
        let path = PathBuf::from(arg);
        match std::fs::read_dir(&path) {
            Ok(entries) => {
                let mut found: Vec<PathBuf> =
                    entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                found.sort();
                files.extend(found.into_iter().filter(|p| p.is_file()));
            }
            Err(_) => files.push(path),
        }
    }
    for file in files {
        let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let start = Instant::now();
        let outcome = sdk_macros_fuzz::run_file(&file);
        let secs = start.elapsed().as_secs_f64();
        let text = match outcome {
            sdk_macros_fuzz::Outcome::Generated(n) => format!("generated ({n} bytes of tokens)"),
            sdk_macros_fuzz::Outcome::Rejected(msg) => format!("error: {msg}"),
        };
        println!("{} [{size} B, {secs:.2}s] {text}", file.display());
    }
}
