sdk_macros::generate_client!("specs/request-body-dangling-ref.yaml");

fn main() {}
