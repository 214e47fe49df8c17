sdk_macros::generate_client!("specs/ref-odd-targets.json");

fn main() {}
