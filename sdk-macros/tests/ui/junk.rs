sdk_macros::generate_client!("specs/junk.yaml");

fn main() {}
