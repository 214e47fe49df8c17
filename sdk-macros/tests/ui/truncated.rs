sdk_macros::generate_client!("specs/truncated.yaml");

fn main() {}
