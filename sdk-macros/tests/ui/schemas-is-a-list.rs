sdk_macros::generate_client!("specs/schemas-is-a-list.yaml");

fn main() {}
