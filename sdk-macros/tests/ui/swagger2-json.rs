sdk_macros::generate_client!("specs/swagger2.json");

fn main() {}
