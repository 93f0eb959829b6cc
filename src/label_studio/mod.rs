//! Entity review in Label Studio: sentences out as tasks with the
//! version's spans as predictions ([`export`]), reviewers' annotations back
//! in as human entities through a gate ([`import`]).
//!
//! The tasks fit this labelling configuration (also in the README):
//!
//! ```xml
//! <View>
//!   <Labels name="label" toName="text">
//!     <Label value="PER"/><Label value="LOC"/><Label value="ORG"/>
//!     <Label value="MISC"/><Label value="NUM"/><Label value="DATE"/>
//!   </Labels>
//!   <Text name="text" value="$text"/>
//! </View>
//! ```

mod export;
mod import;

pub use export::{export, ExportOptions, ExportSummary};
pub use import::{import, rejects_path, ImportSummary};

/// The `Labels` control's name in the labelling configuration.
const FROM_NAME: &str = "label";
/// The `Text` object's name.
const TO_NAME: &str = "text";
