sdk_macros::generate_client!("specs/missing-version.yaml");

fn main() {}
