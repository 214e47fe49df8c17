sdk_macros::generate_client!();

fn main() {}
