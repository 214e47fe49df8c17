sdk_macros::generate_client!("specs/ref-not-a-string.yaml");

fn main() {}
