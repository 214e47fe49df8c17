sdk_macros::generate_client!("specs/unknown-in.yaml");

fn main() {}
