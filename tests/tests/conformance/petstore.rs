//! `petstore-expanded.yaml`: the OpenAPI Initiative's example (array query parameter, allOf).

use crate::BoxError;
use crate::run::{Known, Run, conformance_test};

conformance_test!(
    petstore_expanded,
    "../spec/real/petstore-expanded.yaml",
    KNOWN,
    calls
);

const KNOWN: &[Known] = &[];

async fn calls(run: &mut Run<'_>) -> Result<(), BoxError> {
    let client = api::Client::builder().base_url(run.url()).build()?;
    let tags = ["dog".to_owned(), "cat".to_owned()];
    run.call("findPets", client.find_pets().await);
    run.call(
        "findPets tags+limit",
        client.find_pets().tags(&tags).limit(3).await,
    );
    run.call("find pet by id", client.find_pet_by_id(7).await);
    let pet = api::types::NewPet {
        name: "Rex".to_owned(),
        tag: Some("dog".to_owned()),
    };
    run.call("addPet", client.add_pet(&pet).await);
    let untagged = api::types::NewPet {
        name: "Tom".to_owned(),
        tag: None,
    };
    run.call("addPet untagged", client.add_pet(&untagged).await);
    run.call("deletePet", client.delete_pet(7).await);
    Ok(())
}
