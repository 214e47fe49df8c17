sdk_macros::generate_client!("specs/json-trailing-garbage.json");

fn main() {}
