sdk_macros::generate_client!("specs/bad-method-name.yaml");

fn main() {}
