sdk_macros::generate_client!("specs/path-item-is-a-string.yaml");

fn main() {}
