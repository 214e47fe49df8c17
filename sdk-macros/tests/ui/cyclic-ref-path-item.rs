sdk_macros::generate_client!("specs/cyclic-ref-path-item.yaml");

fn main() {}
