sdk_macros::generate_client!("specs/openapi4.yaml");

fn main() {}
