//! The handlers, one module per API version (`v1`, `v2`), the control API and the files; they
//! speak `http`'s request and response and read and change the model.

pub mod control;
pub mod fields;
pub mod files;
pub mod gate;
pub mod outcome;
pub mod scenario;
pub mod v1;
pub mod v2;
