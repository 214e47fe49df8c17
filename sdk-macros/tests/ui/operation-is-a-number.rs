sdk_macros::generate_client!("specs/operation-is-a-number.yaml");

fn main() {}
