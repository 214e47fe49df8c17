sdk_macros::generate_client!("specs/empty.yaml");

fn main() {}
