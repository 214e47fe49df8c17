sdk_macros::generate_client!("specs/truncated.yaml", tags = ["pets", billing]);

fn main() {}
