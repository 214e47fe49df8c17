sdk_macros::generate_client!("specs/nulls-everywhere.json");

fn main() {}
