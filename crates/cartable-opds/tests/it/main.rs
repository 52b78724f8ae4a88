//! The integration tests of cartable-opds (one binary, one module per area).

mod corpus;
mod hostile;
mod robustness;
mod support;
mod synthetic;
