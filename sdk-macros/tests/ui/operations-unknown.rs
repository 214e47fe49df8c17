sdk_macros::generate_client!("specs/tags.yaml", operations = ["listPets", "list_invoices", "pets"]);

fn main() {}
