sdk_macros::generate_client!("specs/responses-is-a-list.yaml");

fn main() {}
