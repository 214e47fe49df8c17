sdk_macros::generate_client!("specs/request-body-content-is-a-list.yaml");

fn main() {}
