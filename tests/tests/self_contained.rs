//! The repository stands on its own: no tracked file names a path outside it.
//!
//! A clone must build, test and run its scripts with nothing beside it, so every tracked
//! text file is scanned for relative paths (`../…`) that climb out of the repository once
//! resolved, and for absolute paths of a machine (`/work/…`, `/home/…`). Each finding is
//! reported as `file:line: path (resolved against …)`.
//!
//! A relative path is resolved against what it is relative to where it is used:
//! * Rust: `include_str!`/`include_bytes!`/`include!`/`#[path]` against the file's folder,
//!   any other string (`generate_client!`, `CARGO_MANIFEST_DIR` joins, process arguments)
//!   against the crate's manifest folder, except in trybuild's cases and driver
//!   (`<crate>/tests/ui*`), whose paths start from trybuild's project in `target/`;
//! * `Cargo.toml`: against its folder (where cargo resolves `path = …`);
//! * shell and Python scripts: `$root/…` against the repository root (the scripts' name for
//!   it), `$here/…` and `$(dirname "$0")/…` against the script's folder, other variables are
//!   unknown and skipped, and a plain relative path against the root or the script's folder;
//! * everything else (Markdown, documents): against the root or the file's folder.
//!
//! Where two folders are plausible, a path is reported only if it escapes from both, which
//! keeps false positives out at the price of missing an escape that one reading excuses.
//! URLs are not paths and are skipped.

use std::path::{Component, Path, PathBuf};
use std::process::Command;

/// Files allowed to name paths outside the repository: `.ci/run` may check a folder of
/// documents beside the checkout when it is present (never requiring it), and this file plants
/// such paths to test the scanner on.
const ALLOWED: &[&str] = &[".ci/run", "tests/tests/self_contained.rs"];

#[test]
fn no_tracked_file_names_a_path_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the repository");
    let findings: Vec<String> = tracked_files(root)
        .iter()
        .filter(|file| !ALLOWED.contains(&file.as_str()))
        .filter_map(|file| {
            let text = std::fs::read_to_string(root.join(file)).ok()?; // binary files
            Some(scan(root, file, &text))
        })
        .flatten()
        .collect();
    assert!(
        findings.is_empty(),
        "{} reference(s) to paths outside the repository:\n{}",
        findings.len(),
        findings.join("\n")
    );
}

/// The scanner catches each kind of escape it claims to, and passes what stays inside.
#[test]
fn scanner_catches_planted_escapes() {
    let root = Path::new("/repo");
    let planted = [
        (
            "tests/tests/conformance/mux.rs",
            r#"x!("../../outside/specs/real/mux.com.json");"#,
        ),
        (
            "sdk-macros/src/select/tests.rs",
            r#"dir.join("../../outside/specs/real")"#,
        ),
        (
            "sdk-macros/src/a/b.rs",
            r#"include_str!("../../../../x.md")"#,
        ),
        (
            "sdk-macros/tests/ui/deep.rs",
            r#"g!("../../../../../tmp/deep.json");"#,
        ),
        (
            "scripts/check-docs.sh",
            r#"folder=${1:-$root/../outside/specs/real}"#,
        ),
        (
            "sdk-macros/fuzz/scripts/seed.sh",
            r#"cp "$here/../../../../x" ."#,
        ),
        (
            "bench/apps/x/Cargo.toml",
            r#"sdk-runtime = { path = "../../../../sdk-runtime" }"#,
        ),
        (
            "README.md",
            "run `tools/conformance/run.sh ../outside/specs/real`",
        ),
        ("scripts/a.py", "SPECS = '/work/outside/specs'"),
        ("notes.md", "see /home/me/spec.yaml"),
    ];
    for (file, line) in planted {
        let found = scan(root, file, line);
        assert_eq!(found.len(), 1, "{file}: {line:?} gave {found:?}");
        assert!(found[0].starts_with(&format!("{file}:1: ")), "{found:?}");
    }
}

/// Paths that stay inside, URLs, and repository-relative spellings of `/work/` pass.
#[test]
fn scanner_passes_paths_inside_the_repository() {
    let root = Path::new("/repo");
    let clean = [
        (
            "tests/tests/conformance/mux.rs",
            r#"x!("../spec/real/mux.com.json");"#,
        ),
        (
            "sdk-runtime/src/policy/cache/tests.rs",
            r#"include_str!("../cache.rs")"#,
        ),
        (
            "sdk-macros/fuzz/scripts/seed.sh",
            r#"root=$(cd "$here/../.." && pwd)"#,
        ),
        (
            "scripts/check-docs.sh",
            r#"root=$(cd "$(dirname "$0")/.." && pwd)"#,
        ),
        (
            "bench/apps/x/Cargo.toml",
            r#"sdk-runtime = { path = "../../../sdk-runtime" }"#,
        ),
        (
            "a.md",
            "<https://example.com/a/../b> and https://x.org/home/y",
        ),
        (
            "bench/x.md",
            "scratch crates in `bench/compile-cost/work/crates/`",
        ),
        ("scripts/b.sh", r#"cp "$tmp/../x" ."#),
        (
            "sdk-macros/tests/ui/deep.rs",
            r#"g!("../../../tmp/deep.json");"#,
        ),
    ];
    for (file, line) in clean {
        assert_eq!(
            scan(root, file, line),
            Vec::<String>::new(),
            "{file}: {line:?}"
        );
    }
}

// ===== internal =====

fn tracked_files(root: &Path) -> Vec<String> {
    let out = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        .output()
        .expect("git runs (the scan lists tracked files with `git ls-files`)");
    assert!(
        out.status.success(),
        "git ls-files failed in {}",
        root.display()
    );
    let files: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .split('\0')
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    assert!(files.len() > 100, "only {} tracked files", files.len());
    files
}

/// Every finding in `text`, the contents of `file` (relative to `root`), as `file:line: …`.
fn scan(root: &Path, file: &str, text: &str) -> Vec<String> {
    // Anchored .gitignore patterns (`/work/`) are relative to their folder, never absolute.
    let ignore_file = file.ends_with(".gitignore");
    let mut findings = Vec::new();
    for (index, line) in text.lines().enumerate() {
        for token in path_tokens(line) {
            let problem = if token.text.starts_with('/') {
                machine_path(&token.text).filter(|_| !ignore_file)
            } else {
                escape(root, file, line, &token)
            };
            if let Some(problem) = problem {
                findings.push(format!("{file}:{}: {problem}", index + 1));
            }
        }
    }
    findings
}

struct Token {
    text: String,
    start: usize,
}

/// Characters a path token is made of (shell variables included, so `$root/..` is one token).
fn is_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._-/$~{}*@+".contains(c) || c == '(' || c == ')'
}

/// Tokens of `line` that start a relative path climbing up (`..`) or an absolute path;
/// URLs (`scheme://…`) are left out.
fn path_tokens(line: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < line.len() {
        if !is_path_char(char::from(bytes[i])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < line.len() && is_path_char(char::from(bytes[i])) {
            i += 1;
        }
        // Leading `-`/`{`/`(` come from shell syntax (`${1:-$root/…}`); a closing `}`/`)`
        // from the end of a variable or a call.
        let raw = &line[start..i];
        let text = raw.trim_start_matches(['-', '{', '(', ')']);
        let offset = start + raw.len() - text.len();
        let text = text.trim_end_matches(['}', ')']);
        let url = text.starts_with("//");
        let relevant = text.starts_with("../") || text.contains("/../") || text.ends_with("/..");
        if !url && (relevant || text.starts_with('/')) {
            tokens.push(Token {
                text: text.to_owned(),
                start: offset,
            });
        }
    }
    tokens
}

fn machine_path(text: &str) -> Option<String> {
    ["/work/", "/home/"]
        .iter()
        .any(|prefix| text.starts_with(prefix))
        .then(|| format!("{text} (an absolute path of one machine)"))
}

/// Where `token` leads from each folder it may be relative to; a finding if every one of
/// them is outside `root`.
fn escape(root: &Path, file: &str, line: &str, token: &Token) -> Option<String> {
    let file_dir = Path::new(file).parent().unwrap_or(Path::new(""));
    let (bases, rest) = bases(file, file_dir, line, token)?;
    let escapes = bases.iter().all(|base| !stays_inside(&base.join(rest)));
    escapes.then(|| {
        let from: Vec<String> = bases
            .iter()
            .map(|base| root.join(base).display().to_string())
            .collect();
        format!(
            "{} climbs out of the repository (resolved against {})",
            token.text,
            from.join(" and ")
        )
    })
}

/// The folders (relative to the root) `token` may be relative to, and the path after any
/// leading variable; `None` when it cannot be known (a variable of unknown value).
fn bases<'t>(
    file: &str,
    file_dir: &Path,
    line: &str,
    token: &'t Token,
) -> Option<(Vec<PathBuf>, &'t str)> {
    let text = token.text.as_str();
    let name = Path::new(file).file_name()?.to_str()?;
    if let Some(var_end) = text.strip_prefix('$').map(|_| variable_len(text)) {
        let var = &text[..var_end];
        let rest = text[var_end..].trim_start_matches('/');
        return match var {
            "$root" | "${root}" => Some((vec![PathBuf::new()], rest)),
            "$here" | "${here}" | "$(dirname" => Some((vec![file_dir.to_owned()], rest)),
            _ => None,
        };
    }
    if text.contains('$') {
        return None;
    }
    if name.ends_with(".rs") {
        let before = &line[..token.start];
        let include = [
            "include_str!(\"",
            "include_bytes!(\"",
            "include!(\"",
            "path = \"",
        ]
        .iter()
        .any(|call| before.ends_with(call));
        let manifest = manifest_dir(file_dir);
        let base = if include {
            file_dir.to_owned()
        } else if file.starts_with(&format!("{}/tests/ui", manifest.display())) {
            // trybuild compiles the cases in its own project, `target/tests/trybuild/<crate>`.
            Path::new("target/tests/trybuild").join(manifest.file_name()?)
        } else {
            manifest
        };
        return Some((vec![base], text));
    }
    if name == "Cargo.toml" {
        return Some((vec![file_dir.to_owned()], text));
    }
    // Scripts run from the root (or `cd` there); documents name paths from the root or
    // from their own folder.
    Some((vec![PathBuf::new(), file_dir.to_owned()], text))
}

/// Length of the leading shell variable of `text` (`$root`, `${root}`, `$(dirname`).
fn variable_len(text: &str) -> usize {
    if text.starts_with("$(dirname") {
        return "$(dirname".len();
    }
    if text.starts_with("${") {
        return text.find('}').map_or(text.len(), |end| end + 1);
    }
    1 + text[1..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len() - 1)
}

/// The crate folder of a Rust file: the folder above `src/`, `tests/`, `benches/` or
/// `examples/`, else the file's own folder.
fn manifest_dir(file_dir: &Path) -> PathBuf {
    file_dir
        .ancestors()
        .find(|dir| {
            dir.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| ["src", "tests", "benches", "examples"].contains(&n))
        })
        .and_then(Path::parent)
        .unwrap_or(file_dir)
        .to_owned()
}

/// Whether `path` (relative to the root) stays inside it when resolved lexically.
fn stays_inside(path: &Path) -> bool {
    let mut depth: i64 = 0;
    for component in path.components() {
        match component {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    true
}
