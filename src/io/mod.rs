//! The I/O: the fetch loop (`transport.js`) and what it reports to (a [`delivery::Delivery`]
//! per send), reading answers from JavaScript into the plain data `decide` judges.

pub(crate) mod delivery;
pub(crate) mod finder;
pub(crate) mod parse;
pub(crate) mod session;
pub(crate) mod thrown;
pub(crate) mod transport;
