sdk_macros::generate_client!("specs/cyclic-ref-alias.yaml");

fn main() {}
