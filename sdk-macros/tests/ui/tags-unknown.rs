sdk_macros::generate_client!("specs/tags.yaml", tags = ["pets", "Billing", "invoices"]);

fn main() {}
