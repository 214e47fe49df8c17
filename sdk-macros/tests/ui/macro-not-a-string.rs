sdk_macros::generate_client!(42);

fn main() {}
