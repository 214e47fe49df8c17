sdk_macros::generate_client!("specs/document-is-a-string.yaml");

fn main() {}
