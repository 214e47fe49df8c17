sdk_macros::generate_client!("specs/document-is-a-list.yaml");

fn main() {}
