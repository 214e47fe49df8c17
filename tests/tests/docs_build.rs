//! `cargo doc` on a user crate that generates a real client must succeed with no attribute
//! added by the user, and without warnings (docs.rs builds every published crate this way).
//!
//! A scratch crate under `target/docs-build/` generates Stripe's client with the ten
//! operations of the report (issue 36: E0275, overflow evaluating `Vec<Fee>:
//! RefUnwindSafe` in rustdoc's auto-trait synthesis) and is documented with
//! `RUSTDOCFLAGS=-D warnings`. The pages are then read for what must not be on them: the
//! hidden decoding machinery and boxes in boxes.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The operations the report selected.
const OPERATIONS: &str = r#""GetCustomers", "PostCustomers", "GetCustomersCustomer",
    "DeleteCustomersCustomer", "GetCharges", "GetChargesCharge", "PostPaymentIntents",
    "GetPaymentIntents", "GetBalance", "PostRefunds""#;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("workspace root")
}

/// Writes the scratch crate into `dir` (sources only; its target directory sits beside).
fn write_crate(dir: &Path) {
    std::fs::create_dir_all(dir.join("src")).expect("scratch dir");
    let runtime = workspace().join("sdk-runtime");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"stripe-doc\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nsdk-runtime = {{ path = {:?} }}\n\n[workspace]\n",
            runtime.display().to_string()
        ),
    )
    .expect("manifest");
    // The workspace's lock file, so the scratch crate resolves the same versions offline.
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
    let spec = workspace().join("spec/real/stripe.com.json");
    std::fs::write(
        dir.join("src/lib.rs"),
        format!(
            "//! Stripe's client, ten operations.\n\n\
             sdk_runtime::generate_client!({:?}, operations = [{OPERATIONS}]);\n",
            spec.display().to_string()
        ),
    )
    .expect("lib.rs");
}

/// Runs `cargo doc` on the crate in `dir`: success, and stderr.
fn document(dir: &Path, target: &Path) -> (bool, String) {
    let output = Command::new(env!("CARGO"))
        .args(["doc", "--no-deps", "--offline"])
        .current_dir(dir)
        // A target directory of its own, kept between runs so reruns are incremental (the
        // outer `cargo test` holds the workspace's).
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .env_remove("CARGO_MAKEFLAGS")
        .output()
        .expect("cargo runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn page(target: &Path, page: &str) -> String {
    let path = target.join("doc/stripe_doc").join(page);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_stripe_selection_documents_without_warnings() {
    let root = workspace().join("target/docs-build");
    let (dir, target) = (root.join("crate"), root.join("target"));
    write_crate(&dir);
    let (ok, log) = document(&dir, &target);
    assert!(ok, "cargo doc failed:\n{log}");

    let customer = page(&target, "types/struct.Customer.html");
    // The struct's own fields are there (the page is the one meant)...
    assert!(customer.contains("default_source"), "{customer}");
    // ...and none of the decoding machinery, nor a runtime doc example.
    for hidden in ["DeserializeRecord", "SLOTS", "KeyTable", "struct Pet"] {
        assert!(!customer.contains(hidden), "Customer's page shows {hidden}");
    }
    assert!(
        !customer.contains("Box&lt;Box"),
        "Customer's page shows a box in a box"
    );
    let client = page(&target, "struct.Client.html");
    assert!(
        client.contains("sdk_runtime::Client") && client.contains("sdk_runtime::Error"),
        "the client's page names the runtime's client and error"
    );
}
