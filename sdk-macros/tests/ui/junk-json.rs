sdk_macros::generate_client!("specs/junk.json");

fn main() {}
