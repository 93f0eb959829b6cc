//! The Hugging Face `datasets` feature description of a table, derived from
//! its Arrow schema, so that label names and nested types survive loading.
//! It goes into every Parquet file's metadata under the key `huggingface`
//! (where `datasets` looks for it) and into the dataset card.
//!
//! Features keep column order: `datasets` orders a loaded table's columns
//! by its features, so a sorted map would reorder them.

use arrow_schema::{DataType, Field, Schema};
use serde_json::Value;

use crate::table::Table;

/// The key of the Parquet key-value metadata `datasets` reads features from.
pub const PARQUET_KEY: &str = "huggingface";

/// One feature, as `datasets.Features` has them.
#[derive(Debug, Clone, PartialEq)]
pub enum Feature {
    /// `Value(dtype)`.
    Value(&'static str),
    /// `ClassLabel(names=...)`: a string column with a closed set of values.
    ClassLabel(Vec<&'static str>),
    /// A struct column: its fields, in order.
    Struct(Vec<(String, Feature)>),
}

impl Feature {
    fn of(field: &Field) -> Feature {
        match field.data_type() {
            DataType::Utf8 => Feature::Value("string"),
            DataType::Int32 => Feature::Value("int32"),
            DataType::Int64 => Feature::Value("int64"),
            DataType::Float32 => Feature::Value("float32"),
            DataType::Boolean => Feature::Value("bool"),
            DataType::Struct(fields) => Feature::Struct(
                fields
                    .iter()
                    .map(|f| (f.name().clone(), Feature::of(f)))
                    .collect(),
            ),
            other => unreachable!("tables use no {other} columns"),
        }
    }

    /// The JSON of `Features.to_dict()`, keys in order.
    fn to_json(&self) -> String {
        match self {
            Feature::Value(dtype) => format!(r#"{{"dtype":"{dtype}","_type":"Value"}}"#),
            Feature::ClassLabel(names) => format!(
                r#"{{"names":{},"_type":"ClassLabel"}}"#,
                Value::from(names.clone())
            ),
            Feature::Struct(fields) => object(fields),
        }
    }
}

fn object(fields: &[(String, Feature)]) -> String {
    let members: Vec<String> = fields
        .iter()
        .map(|(name, feature)| format!("{}:{}", Value::from(name.as_str()), feature.to_json()))
        .collect();
    format!("{{{}}}", members.join(","))
}

/// The features of table `T`, in column order.
pub fn features<T: Table>() -> Vec<(String, Feature)> {
    features_of::<T>(&T::schema())
}

/// The features of table `T`'s columns in `schema` (a file's own schema,
/// which may predate columns added since).
fn features_of<T: Table>(schema: &Schema) -> Vec<(String, Feature)> {
    let class_labels = T::class_labels();
    schema
        .fields()
        .iter()
        .map(|field| {
            let feature = match class_labels.iter().find(|(c, _)| c == field.name()) {
                Some((_, names)) => Feature::ClassLabel(names.clone()),
                None => Feature::of(field),
            };
            (field.name().clone(), feature)
        })
        .collect()
}

/// The value stored under [`PARQUET_KEY`] in a table's Parquet files.
pub fn parquet_metadata<T: Table>() -> String {
    parquet_metadata_of::<T>(&T::schema())
}

/// The value a file of table `T` with columns `schema` stores under [`PARQUET_KEY`].
pub fn parquet_metadata_of<T: Table>(schema: &Schema) -> String {
    format!(
        r#"{{"info":{{"features":{}}}}}"#,
        object(&features_of::<T>(schema))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Document, Entity};

    #[test]
    fn labels_are_class_labels_structs_nest_and_columns_keep_their_order() {
        let metadata: Value = serde_json::from_str(&parquet_metadata::<Entity>()).unwrap();
        let entities = &metadata["info"]["features"];
        assert_eq!(entities["label"]["_type"], "ClassLabel");
        assert_eq!(entities["label"]["names"][0], "PER");
        assert_eq!(entities["score"]["dtype"], "float32");
        let documents = parquet_metadata::<Document>();
        assert!(documents.starts_with(r#"{"info":{"features":{"doc_id":"#));
        assert!(
            documents.contains(r#""changes":{"bom":{"dtype":"int32","_type":"Value"},"line_ends""#)
        );
    }
}
