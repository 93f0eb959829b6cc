//! `diff`: what changed between two versions, row by row. Every table is
//! sorted by id, so each is merged in one streaming pass.

use serde::Serialize;
use serde_json::Value;

use crate::error::Result;
use crate::model::{Document, Entity, Orphan, Sentence, TranslationSlot};
use crate::table::Table;
use crate::version::{Purpose, Version};

/// One row that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowChange {
    pub table: &'static str,
    pub id: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// The columns whose values differ (for `changed`).
    pub fields: Vec<String>,
}

/// Counts of one table's differences.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TableCounts {
    pub table: &'static str,
    pub added: u64,
    pub removed: u64,
    pub changed: u64,
    pub unchanged: u64,
}

/// The counts of the difference between two versions.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub from: String,
    pub to: String,
    pub tables: Vec<TableCounts>,
}

/// Compares `from` with `to`, both of which must match their manifests,
/// handing every differing row to `each` as it is found, table by table in
/// id order (so a diff of millions of rows needs no memory for them); with
/// no `each`, the rows are only counted.
pub fn diff(
    from: &Version,
    to: &Version,
    mut each: Option<&mut dyn FnMut(RowChange) -> Result<()>>,
) -> Result<Diff> {
    from.check_integrity(Purpose::Report)?;
    to.check_integrity(Purpose::Report)?;
    let tables = vec![
        diff_table::<Document>(from, to, &mut each)?,
        diff_table::<Sentence>(from, to, &mut each)?,
        diff_table::<Entity>(from, to, &mut each)?,
        diff_table::<TranslationSlot>(from, to, &mut each)?,
        diff_table::<Orphan>(from, to, &mut each)?,
    ];
    Ok(Diff {
        from: from.name().to_string(),
        to: to.name().to_string(),
        tables,
    })
}

fn diff_table<T: Table + 'static>(
    from: &Version,
    to: &Version,
    each: &mut Option<&mut dyn FnMut(RowChange) -> Result<()>>,
) -> Result<TableCounts> {
    let mut counts = TableCounts {
        table: T::NAME,
        ..TableCounts::default()
    };
    let mut old = from.rows::<T>()?.peekable();
    let mut new = to.rows::<T>()?.peekable();
    let mut record = |id: &str, change, fields: &dyn Fn() -> Vec<String>| match each {
        Some(each) => each(RowChange {
            table: T::NAME,
            id: id.to_string(),
            change,
            fields: fields(),
        }),
        None => Ok(()),
    };
    loop {
        let order = match (old.peek(), new.peek()) {
            (None, None) => break,
            (Some(Err(_)), _) => return Err(old.next().and_then(|r| r.err()).expect("peeked")),
            (_, Some(Err(_))) => return Err(new.next().and_then(|r| r.err()).expect("peeked")),
            (Some(Ok(_)), None) => std::cmp::Ordering::Less,
            (None, Some(Ok(_))) => std::cmp::Ordering::Greater,
            (Some(Ok(a)), Some(Ok(b))) => a.id().cmp(b.id()),
        };
        match order {
            std::cmp::Ordering::Less => {
                let row = old.next().expect("peeked")?;
                counts.removed += 1;
                record(row.id(), "removed", &Vec::new)?;
            }
            std::cmp::Ordering::Greater => {
                let row = new.next().expect("peeked")?;
                counts.added += 1;
                record(row.id(), "added", &Vec::new)?;
            }
            std::cmp::Ordering::Equal => {
                let (a, b) = (old.next().expect("peeked")?, new.next().expect("peeked")?);
                if a == b {
                    counts.unchanged += 1;
                } else {
                    counts.changed += 1;
                    record(a.id(), "changed", &|| changed_fields(&a, &b))?;
                }
            }
        }
    }
    Ok(counts)
}

/// The names of the columns whose values differ between two rows.
fn changed_fields<T: Serialize>(a: &T, b: &T) -> Vec<String> {
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(Value::Object(a)), Ok(Value::Object(b))) => a
            .iter()
            .filter(|(key, value)| b.get(*key) != Some(value))
            .map(|(key, _)| key.clone())
            .collect(),
        _ => Vec::new(),
    }
}
