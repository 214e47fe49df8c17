// The warnings about security schemes and requirements the client cannot apply, made
// errors so that their text is checked here; without `deny` the build goes on.
#![deny(deprecated)]

sdk_macros::generate_client!("../../../spec/wild/http-digest.yaml");

fn main() {}
