sdk_macros::generate_client!("specs/truncated.json");

fn main() {}
