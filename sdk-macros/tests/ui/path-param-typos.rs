// The warnings about path parameters that do not match the template, made errors so that
// their text is checked here; without `deny` the build goes on (see `tests/tests/`).
#![deny(deprecated)]

sdk_macros::generate_client!("../../../spec/wild/path-param-typos.yaml");

fn main() {}
