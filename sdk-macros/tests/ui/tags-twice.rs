sdk_macros::generate_client!("specs/truncated.yaml", tags = ["pets"], tags = ["billing"]);

fn main() {}
