//! The integration tests of cartable-epub (one binary, one module per area).

mod built;
mod corpus;
mod hostile;
mod robustness;
mod support;
