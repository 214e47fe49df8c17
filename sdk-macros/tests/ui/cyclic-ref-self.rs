sdk_macros::generate_client!("specs/cyclic-ref-self.yaml");

fn main() {}
