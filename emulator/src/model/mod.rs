//! The model at the bottom of the house: what the emulator knows and counts — seeds, the
//! in-memory store, the request record, the rate windows, the scripted faults, the clock. It
//! names nothing above it (no HTTP types, no handlers).

pub mod authors;
pub mod budget;
pub mod clock;
pub mod events;
pub mod faults;
pub mod keys;
pub mod limits;
pub mod outages;
pub mod paths;
pub mod record;
pub mod replies;
pub mod seed;
pub mod state;
pub mod stats;
pub mod webhooks;
