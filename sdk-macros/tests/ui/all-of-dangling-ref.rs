sdk_macros::generate_client!("specs/all-of-dangling-ref.yaml");

fn main() {}
