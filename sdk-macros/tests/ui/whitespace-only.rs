sdk_macros::generate_client!("specs/whitespace-only.yaml");

fn main() {}
