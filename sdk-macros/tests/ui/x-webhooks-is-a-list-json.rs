sdk_macros::generate_client!("specs/x-webhooks-is-a-list.json");

fn main() {}
