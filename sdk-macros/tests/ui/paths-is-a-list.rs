sdk_macros::generate_client!("specs/paths-is-a-list.yaml");

fn main() {}
