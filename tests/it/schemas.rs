//! The code's Arrow schemas and `schemas/*.schema.json` must not drift apart;
//! every validator rule must be documented.

use arrow_schema::DataType;
use tarjama::model::{Document, Entity, Orphan, Sentence, TranslationSlot};
use tarjama::table::Table;
use tarjama::validate::rules;

use crate::util::repo;

/// (column, Arrow type, nullable) as the JSON Schema file describes them.
fn documented_columns(table: &str) -> Vec<(String, DataType, bool)> {
    let path = repo().join(format!("schemas/{table}.schema.json"));
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    columns(table, &schema)
}

/// The columns of an object schema: its `required` keys in order.
fn columns(table: &str, schema: &serde_json::Value) -> Vec<(String, DataType, bool)> {
    let properties = schema["properties"].as_object().unwrap();
    assert_eq!(schema["additionalProperties"], false, "{table}");
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    // Columns added after a table's first release are optional: older files lack them.
    let mut added: Vec<&str> = properties
        .iter()
        .filter(|(_, p)| p["x-tarjama-added"] == true)
        .map(|(name, _)| name.as_str())
        .collect();
    added.sort();
    assert_eq!(
        properties.len(),
        required.len() + added.len(),
        "{table}: every column is required (may be null) or marked x-tarjama-added"
    );
    required
        .into_iter()
        .chain(added)
        .map(|name| {
            let p = &properties[name];
            let types: Vec<&str> = match &p["type"] {
                serde_json::Value::String(t) => vec![t.as_str()],
                serde_json::Value::Array(ts) => ts.iter().map(|t| t.as_str().unwrap()).collect(),
                other => panic!("{table}.{name}: type {other}"),
            };
            let nullable = types.contains(&"null");
            let base = types.iter().find(|t| **t != "null").unwrap();
            let arrow = match (*base, p["format"].as_str()) {
                ("string", _) => DataType::Utf8,
                ("integer", Some("int32")) => DataType::Int32,
                ("number", Some("float32")) => DataType::Float32,
                ("boolean", _) => DataType::Boolean,
                ("object", _) => DataType::Struct(
                    columns(&format!("{table}.{name}"), p)
                        .into_iter()
                        .map(|(n, t, null)| arrow_schema::Field::new(n, t, null))
                        .collect(),
                ),
                other => panic!("{table}.{name}: no Arrow type for {other:?}"),
            };
            (name.to_string(), arrow, nullable)
        })
        .collect()
}

fn code_columns<T: Table>() -> Vec<(String, DataType, bool)> {
    T::schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone(), f.is_nullable()))
        .collect()
}

#[test]
fn arrow_schemas_equal_the_documented_schemas() {
    assert_eq!(code_columns::<Document>(), documented_columns("documents"));
    assert_eq!(code_columns::<Sentence>(), documented_columns("sentences"));
    assert_eq!(code_columns::<Entity>(), documented_columns("entities"));
    assert_eq!(
        code_columns::<TranslationSlot>(),
        documented_columns("translations")
    );
    assert_eq!(code_columns::<Orphan>(), documented_columns("orphans"));
}

#[test]
fn every_rule_is_documented() {
    let readme = std::fs::read_to_string(repo().join("schemas/README.md")).unwrap();
    for rule in rules::ALL {
        assert!(
            readme.contains(&format!("| `{}` |", rule.id)),
            "schemas/README.md lacks rule {}",
            rule.id
        );
    }
}

#[test]
fn the_manifest_schema_lists_every_skip_code_the_build_gives() {
    let path = repo().join("schemas/manifest.schema.json");
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut documented: Vec<&str> = schema["properties"]["skipped"]["items"]["properties"]["code"]
        ["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap())
        .collect();
    documented.sort();
    let mut given = tarjama::ingest::skip_code::ALL.to_vec();
    given.sort();
    assert_eq!(documented, given);
}
