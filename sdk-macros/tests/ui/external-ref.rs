sdk_macros::generate_client!("specs/external-ref.yaml");

fn main() {}
