sdk_macros::generate_client!("specs/duplicate-keys.yaml");

fn main() {}
