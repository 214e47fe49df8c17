sdk_macros::generate_client!("specs/yaml-tabs.yaml");

fn main() {}
