//! Turning Rust values into requests and responses into Rust values.
//!
//! The ground floor under the pipeline: nothing here knows about clients,
//! attempts or policies.
//!
//! * [`node`]: a value tree serde serializes parameters into;
//! * [`encode`]: OpenAPI's parameter styles, form and multipart bodies;
//! * [`decode`]: the response decoders generated methods pass to the pipeline;
//! * [`serde_impls`]: helpers of the `Serialize`/`Deserialize` impls generated
//!   for a document's types, and [`buffered`], the value an untagged union holds
//!   while it tries its variants, and [`key_slots`], how a struct finds its keys;
//! * [`binary`]: `format: binary` and `byte` values;
//! * [`headers`]: `Retry-After` and friends;
//! * [`unread`]: a success body left for a stream to read;
//! * [`sse`] and [`lines`]: the framing of event streams and JSON Lines.

pub(crate) mod binary;
pub(crate) mod buffered;
pub(crate) mod decode;
pub(crate) mod encode;
pub(crate) mod headers;
pub(crate) mod key_slots;
pub(crate) mod lines;
pub(crate) mod node;
pub(crate) mod serde_impls;
pub(crate) mod sse;
pub(crate) mod unread;
