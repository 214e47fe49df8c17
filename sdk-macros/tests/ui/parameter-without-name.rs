sdk_macros::generate_client!("specs/parameter-without-name.yaml");

fn main() {}
