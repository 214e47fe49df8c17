sdk_macros::generate_client!("specs/cyclic-ref-parameter.yaml");

fn main() {}
