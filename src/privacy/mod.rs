//! Privacy: device keys. Raw device ids are hashed on read and never kept or written.

mod device_key;

pub use device_key::{DeviceKey, DeviceKeyer};
