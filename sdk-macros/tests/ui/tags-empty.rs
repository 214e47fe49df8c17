sdk_macros::generate_client!("specs/truncated.yaml", tags = []);

fn main() {}
