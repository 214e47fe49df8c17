sdk_macros::generate_client!("specs/version-not-a-string.yaml");

fn main() {}
