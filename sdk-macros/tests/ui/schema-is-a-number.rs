sdk_macros::generate_client!("specs/schema-is-a-number.yaml");

fn main() {}
