sdk_macros::generate_client!("specs/components-is-a-list.yaml");

fn main() {}
