sdk_macros::generate_client!("specs/info-is-a-string.yaml");

fn main() {}
