sdk_macros::generate_client!("specs/unknown-in-location.yaml");

fn main() {}
