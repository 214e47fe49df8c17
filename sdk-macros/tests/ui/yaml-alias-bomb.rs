sdk_macros::generate_client!("specs/yaml-alias-bomb.yaml");

fn main() {}
