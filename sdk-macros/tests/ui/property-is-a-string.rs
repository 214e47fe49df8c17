sdk_macros::generate_client!("specs/property-is-a-string.yaml");

fn main() {}
