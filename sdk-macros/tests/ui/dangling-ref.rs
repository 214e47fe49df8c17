sdk_macros::generate_client!("specs/dangling-ref.yaml");

fn main() {}
