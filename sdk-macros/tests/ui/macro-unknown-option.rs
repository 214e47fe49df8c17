sdk_macros::generate_client!("specs/truncated.yaml", retries = 3);

fn main() {}
