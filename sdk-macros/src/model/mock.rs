//! Names in a client's `mock` module: the mock's sub-mocks mirror the client's
//! sub-clients, and its expectation builders take the builders' names.

use super::ops::methods;
use super::{Group, Operation};
use crate::pointer;

/// Methods of the generated `mock::MockServer` itself, which an operation's
/// expectation method on it must not shadow.
const MOCK_METHODS: &[&str] = &["start", "client", "client_builder", "runtime"];

/// The sub-mock type of `group` (`PetsClient` becomes `PetsMock`).
pub fn group_name(group: &Group) -> String {
    match group.name.strip_suffix("Client") {
        Some(stem) => format!("{stem}Mock"),
        None => format!("{}Mock", group.name),
    }
}

/// The expectation method of `op` on the root mock, or of a tag's accessor:
/// the client's name, with `_op` added where it would shadow a mock method.
pub fn method_name(name: &str) -> String {
    if MOCK_METHODS.contains(&name) {
        format!("{name}_op")
    } else {
        name.to_owned()
    }
}

/// The JSON pointer of `op` under `paths`, as the mock's router names it.
pub fn operation_pointer(op: &Operation) -> String {
    let item = pointer::push("#/paths", &op.path);
    match methods::fixed_key(&op.http_method) {
        Some(key) => pointer::push(&item, key),
        None => pointer::push(
            &pointer::push(&item, "additionalOperations"),
            &op.http_method,
        ),
    }
}
