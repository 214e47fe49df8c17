sdk_macros::generate_client!("specs/response-external-ref.yaml");

fn main() {}
