sdk_macros::generate_client!("specs");

fn main() {}
