//! Text machinery shared by the stages: aligned editing and character offsets.

pub mod aligned;
pub mod arabic;
pub mod clean;
pub mod numbers;
pub mod offsets;

pub use aligned::{AlignedText, CharEdit};
pub use offsets::CharOffsets;
