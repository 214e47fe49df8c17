sdk_macros::generate_client!("specs/truncated.yaml", operations = [listPets]);

fn main() {}
