//! The dependencies every app of ours compiles, without a generated client: sdk-runtime's
//! HTTP client sends one request and prints whether it got an answer. Built by
//! bench/apps/run.sh to show what part of a full build no change to the generated code can
//! remove, never run.

/// The harness changes this line to time a rebuild after a one-line edit.
const EDIT: &str = "edit 0";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("{EDIT}");
    let http = sdk_runtime::http_client_builder().build()?;
    let answer = http.get("https://api.github.com/zen").send().await?;
    println!("{}", answer.status());
    Ok(())
}
