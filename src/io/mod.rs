//! File output helpers shared by every writer.

mod atomic;

pub use atomic::AtomicFile;
