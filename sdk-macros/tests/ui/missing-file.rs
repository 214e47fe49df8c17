sdk_macros::generate_client!("specs/does-not-exist.yaml");

fn main() {}
