//! `croissant.json`: Croissant 1.0 metadata (JSON-LD) of a version, for
//! Croissant-aware loaders and dataset search. One FileObject per data file
//! with its sha256 and size from the manifest; one RecordSet per table read
//! from its Parquet file, with the field descriptions of `schemas/`.

use arrow_schema::{DataType, Field};
use serde_json::{json, Map, Value};

use super::{column_description, data_files, tables, DescribedTable};
use crate::model::Manifest;
use crate::settings::About;

/// The standard Croissant 1.0 `@context`.
fn context() -> Value {
    json!({
        "@language": "en",
        "@vocab": "https://schema.org/",
        "citeAs": "cr:citeAs",
        "column": "cr:column",
        "conformsTo": "dct:conformsTo",
        "cr": "http://mlcommons.org/croissant/",
        "rai": "http://mlcommons.org/croissant/RAI/",
        "data": {"@id": "cr:data", "@type": "@json"},
        "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
        "dct": "http://purl.org/dc/terms/",
        "examples": {"@id": "cr:examples", "@type": "@json"},
        "extract": "cr:extract",
        "field": "cr:field",
        "fileProperty": "cr:fileProperty",
        "fileObject": "cr:fileObject",
        "fileSet": "cr:fileSet",
        "format": "cr:format",
        "includes": "cr:includes",
        "isLiveDataset": "cr:isLiveDataset",
        "jsonPath": "cr:jsonPath",
        "key": "cr:key",
        "md5": "cr:md5",
        "parentField": "cr:parentField",
        "path": "cr:path",
        "recordSet": "cr:recordSet",
        "references": "cr:references",
        "regex": "cr:regex",
        "repeated": "cr:repeated",
        "replace": "cr:replace",
        "sc": "https://schema.org/",
        "separator": "cr:separator",
        "source": "cr:source",
        "subField": "cr:subField",
        "transform": "cr:transform"
    })
}

/// The IANA media type of a data file's format.
fn encoding_format(format: &str) -> &'static str {
    match format {
        "parquet" => "application/x-parquet",
        "jsonl" => "application/jsonlines",
        "tsv" => "text/tab-separated-values",
        _ => "application/octet-stream",
    }
}

/// The text of `croissant.json` for a version with this manifest.
pub fn render(manifest: &Manifest, about: &About) -> String {
    let mut dataset = Map::new();
    dataset.insert("@context".into(), context());
    dataset.insert("@type".into(), json!("sc:Dataset"));
    dataset.insert(
        "conformsTo".into(),
        json!("http://mlcommons.org/croissant/1.0"),
    );
    dataset.insert("name".into(), json!(manifest.dataset));
    dataset.insert(
        "description".into(),
        json!(super::description(manifest, about)),
    );
    dataset.insert("license".into(), json!(about.license));
    if let Some(url) = &about.url {
        dataset.insert("url".into(), json!(url));
    }
    let creators: Vec<Value> = about
        .creators
        .iter()
        .map(|name| json!({"@type": "sc:Organization", "name": name}))
        .collect();
    if !creators.is_empty() {
        dataset.insert("creator".into(), Value::Array(creators));
    }
    if let Some(created) = &manifest.created {
        dataset.insert("datePublished".into(), json!(created));
    }
    dataset.insert("version".into(), json!(super::semantic_version(manifest)));
    dataset.insert(
        "inLanguage".into(),
        json!([manifest.source_language, manifest.target_language]),
    );
    dataset.insert("citeAs".into(), json!(super::citation(manifest, about)));
    let tables = tables(manifest);
    let mut distribution: Vec<Value> = data_files(manifest)
        .map(|file| {
            json!({
                "@type": "cr:FileObject",
                "@id": file.path,
                "name": file.path,
                "contentUrl": file.path,
                "encodingFormat": encoding_format(&file.format),
                "contentSize": format!("{} B", file.bytes),
                "sha256": file.sha256,
            })
        })
        .collect();
    // A table cut into several files is read as a set of files.
    distribution.extend(tables.iter().filter(|t| t.parquet.len() > 1).map(|t| {
        json!({
            "@type": "cr:FileSet",
            "@id": file_set_id(t),
            "name": file_set_id(t),
            "encodingFormat": "application/x-parquet",
            "includes": t.parquet_glob,
        })
    }));
    dataset.insert("distribution".into(), Value::Array(distribution));
    let record_sets: Vec<Value> = tables.iter().map(record_set).collect();
    dataset.insert("recordSet".into(), Value::Array(record_sets));
    let mut text = serde_json::to_string_pretty(&Value::Object(dataset))
        .expect("JSON values always serialise");
    text.push('\n');
    text
}

fn data_type(data_type: &DataType) -> &'static str {
    match data_type {
        DataType::Int32 | DataType::Int64 => "sc:Integer",
        DataType::Float32 => "sc:Float",
        DataType::Boolean => "sc:Boolean",
        _ => "sc:Text",
    }
}

/// A record set with one field per column; offsets are nested as a `span`
/// field (`start`, `end`) and struct columns as fields with sub-fields.
fn record_set(table: &DescribedTable) -> Value {
    let name = table.name;
    let files = match table.parquet.as_slice() {
        [one] => json!({"fileObject": {"@id": one}}),
        _ => json!({"fileSet": {"@id": file_set_id(table)}}),
    };
    let source = |column: &str| {
        let mut source = files.clone();
        source["extract"] = json!({"column": column});
        source
    };
    let leaf = |id: String, field: &Field, source: Value| {
        let mut value = json!({
            "@type": "cr:Field",
            "@id": id,
            "name": field.name(),
            "description": column_description(name, field.name()),
            "dataType": data_type(field.data_type()),
            "source": source,
        });
        if let Some(target) = reference(name, field.name()) {
            value["references"] = json!({"field": {"@id": target}});
        }
        value
    };
    let mut fields = Vec::new();
    for field in table.schema.fields() {
        let column = field.name().as_str();
        match (column, field.data_type()) {
            ("end", _) => {}
            ("start", _) => {
                let end = table
                    .schema
                    .field_with_name("end")
                    .expect("a table with start has end");
                let sub_fields: Vec<Value> = [field.as_ref(), end]
                    .into_iter()
                    .map(|f| leaf(format!("{name}/span/{}", f.name()), f, source(f.name())))
                    .collect();
                fields.push(json!({
                    "@type": "cr:Field",
                    "@id": format!("{name}/span"),
                    "name": "span",
                    "description": "Half-open Unicode code point offsets into the document's text: Python text[start:end].",
                    "subField": sub_fields,
                }));
            }
            (_, DataType::Struct(children)) => {
                let sub_fields: Vec<Value> = children
                    .iter()
                    .map(|child| {
                        let mut source = source(column);
                        source["transform"] = json!({"jsonPath": child.name()});
                        leaf(format!("{name}/{column}/{}", child.name()), child, source)
                    })
                    .collect();
                fields.push(json!({
                    "@type": "cr:Field",
                    "@id": format!("{name}/{column}"),
                    "name": column,
                    "description": column_description(name, column),
                    "subField": sub_fields,
                }));
            }
            _ => fields.push(leaf(format!("{name}/{column}"), field, source(column))),
        }
    }
    json!({
        "@type": "cr:RecordSet",
        "@id": name,
        "name": name,
        "description": table.description,
        "key": {"@id": format!("{name}/{}", table.id_column)},
        "field": fields,
    })
}

fn file_set_id(table: &DescribedTable) -> String {
    format!("{}-parquet-files", table.name)
}

/// The field a join column of `table` refers to.
fn reference(table: &str, column: &str) -> Option<&'static str> {
    match (table, column) {
        ("documents" | "orphans", _) => None,
        (_, "doc_id") => Some("documents/doc_id"),
        ("sentences", _) => None,
        (_, "sentence_id") => Some("sentences/sentence_id"),
        _ => None,
    }
}
