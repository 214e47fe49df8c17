sdk_macros::generate_client!("specs/parameters-not-a-list.yaml");

fn main() {}
