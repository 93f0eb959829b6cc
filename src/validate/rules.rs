//! Every rule the validator applies, with its stable id, severity and
//! one-line description. Findings carry the id, so CI scripts can rely on it.

/// How serious a finding is: errors make `validate` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A rule of the validator.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub description: &'static str,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $severity:ident, $description:literal;)*) => {
        $(pub const $name: Rule = Rule { id: $id, severity: Severity::$severity, description: $description };)*
        /// All rules, in the order `--list-rules` prints them.
        pub const ALL: &[Rule] = &[$($name),*];
    };
}

rules! {
    DATASET_STRAY_ENTRY = "dataset.stray-entry", Warning, "the versions folder holds something that is not a version folder";
    MANIFEST_UNREADABLE = "manifest.unreadable", Error, "manifest.json is missing or is not a valid manifest";
    MANIFEST_FORMAT = "manifest.format-version", Error, "the manifest's format version is not one this tool knows";
    MANIFEST_SELF_HASH = "manifest.self-hash", Error, "manifest_sha256 does not match the manifest's bytes (the manifest was edited)";
    MANIFEST_VERSION = "manifest.version", Error, "the manifest's version does not match its folder's name";
    MANIFEST_FILES = "manifest.files", Error, "the manifest's file list is malformed (bad path, duplicate, missing table)";
    FILE_MISSING = "file.missing", Error, "a file listed in the manifest does not exist";
    FILE_SIZE = "file.size", Error, "a file's size differs from the manifest";
    FILE_SHA256 = "file.sha256", Error, "a file's sha256 differs from the manifest";
    FILE_ROWS = "file.rows", Error, "a file's row count differs from the manifest";
    FILE_UNLISTED = "file.unlisted", Error, "a file in the version folder is not listed in the manifest";
    VERSION_FINGERPRINT = "version.fingerprint", Error, "the fingerprint does not recompute from the file entries";
    VERSION_PARENT = "version.parent", Error, "the parent version is missing or its fingerprint differs from the one recorded";
    DESCRIBE_MISMATCH = "describe.mismatch", Error, "croissant.json or README.md is missing or differs from what the manifest gives";
    TABLE_CONTENT = "table.content", Error, "a table's rows or content hash in the manifest differ from its JSONL files";
    TABLE_UNREADABLE = "table.unreadable", Error, "a Parquet file or the glossary cannot be read";
    TABLE_SCHEMA = "table.schema", Error, "a Parquet file's schema differs from schemas/";
    TABLE_JSONL_INVALID = "table.jsonl-invalid", Error, "a JSONL line is not a valid row of its table";
    TABLE_JSONL_MISMATCH = "table.jsonl-mismatch", Error, "a JSONL row differs from the Parquet row at the same position";
    ID_DUPLICATE = "id.duplicate", Error, "two rows of a table share an id";
    ID_ORDER = "id.order", Error, "rows are not sorted by id";
    FIELD_FORMAT = "field.format", Error, "a field's value is not of the form schemas/ gives it (a sha256, JSON metadata, an encoding name, a translation origin, an RFC 3339 time)";
    DOCUMENT_HASH = "document.text-hash", Error, "a document's text_sha256 is not the sha256 of its text";
    DOCUMENT_NORM_HASH = "document.norm-hash", Error, "a document's norm_sha256 is not the sha256 of its sentences' norm_sha256, one per line";
    DOCUMENT_TITLE = "document.title", Error, "a document's title is not the text its title sentences span (or, with none, its input record's title)";
    SENTENCE_DOCUMENT = "sentence.unknown-document", Error, "a sentence refers to a document that does not exist";
    SENTENCE_OFFSETS = "sentence.offsets", Error, "a sentence's offsets are out of range, empty or out of order";
    SENTENCE_OVERLAP = "sentence.overlap", Error, "sentences of a document overlap or their index is not consecutive";
    SENTENCE_COVERAGE = "sentence.coverage", Error, "a non-whitespace character of a document lies in no sentence";
    SENTENCE_EDGE = "sentence.edge", Error, "a sentence starts or ends inside a grapheme cluster (a letter cut from its marks)";
    SENTENCE_TEXT = "sentence.text", Error, "a sentence's text differs from the document text at its offsets";
    SENTENCE_HASH = "sentence.text-hash", Error, "a sentence's text_sha256 is not the sha256 of its text";
    SENTENCE_NORM_HASH = "sentence.norm-hash", Error, "a sentence's norm_sha256 is not the sha256 of its normalised text";
    SENTENCE_ROLE = "sentence.role", Error, "a sentence's role is not title, body or boilerplate";
    ENTITY_SENTENCE = "entity.unknown-sentence", Error, "an entity refers to a sentence that does not exist in its document";
    ENTITY_BOUNDS = "entity.outside-sentence", Error, "an entity span is empty or does not lie inside its sentence";
    ENTITY_TEXT = "entity.text", Error, "an entity's text differs from the document text at its offsets";
    ENTITY_LABEL = "entity.label", Error, "an entity's label is not a known label";
    ENTITY_ORIGIN = "entity.origin", Error, "an entity's origin is not rule, gazetteer, model or human";
    ENTITY_EDGE = "entity.edge", Error, "an entity span starts or ends with whitespace or punctuation, or inside a grapheme cluster";
    ENTITY_CROSSING = "entity.crossing", Error, "two entities of the same origin overlap without one containing the other";
    ENTITY_GLOSSARY = "entity.glossary", Error, "an entity's English rendering (en) differs from the version's glossary";
    SPLIT_INCONSISTENT = "split.inconsistent", Error, "a split is unknown, differs from its document's, or is not the one its group's key gives";
    SPLIT_GROUP = "split.group", Error, "a split_group names no document at or before its own, or documents sharing content are in different groups";
    SPLIT_LEAK = "split.leak", Error, "the same normalised sentence (of at least min_shared_words words) or document text is in two splits";
    SLOT_MISSING = "slot.missing", Error, "a sentence to translate has no translation slot";
    SLOT_UNKNOWN = "slot.unknown-sentence", Error, "a translation slot refers to a sentence that does not exist";
    SLOT_UNTRANSLATABLE = "slot.not-translatable", Error, "a translation slot exists for a boilerplate sentence or one marked not to translate";
    SLOT_STALE = "slot.stale", Error, "a filled slot's source_sha256 differs from its sentence's current hash";
    SLOT_STATUS = "slot.status", Error, "a slot's status is unknown or disagrees with its content";
    SLOT_ORPHAN = "slot.orphan", Warning, "a translation lost its source sentence and is kept in the orphans table";
    QA_EMPTY = "qa.empty", Warning, "a translation is empty or only whitespace";
    QA_WHITESPACE = "qa.whitespace", Warning, "a translation has leading, trailing or doubled whitespace";
    QA_SAME_AS_SOURCE = "qa.same-as-source", Warning, "a translation is its source copied unchanged";
    QA_SPREADSHEET_ERROR = "qa.spreadsheet-error", Warning, "a translation is a spreadsheet's error value (#NAME?, #VALUE!, ...), not text";
    QA_ARABIC_SCRIPT = "qa.arabic-script", Warning, "a translation still holds words in Arabic script";
    QA_NUMBERS = "qa.numbers", Warning, "a translation's numbers differ in value from its source's (any digit set, with ٫ ٬ ٪)";
    QA_NAME_MISSING = "qa.name-missing", Warning, "a translation lacks the English rendering of a name in its source";
    QA_LENGTH_RATIO = "qa.length-ratio", Warning, "a translation's length is outside the band set by --length-ratio, relative to its source";
    QA_BRACKETS = "qa.brackets", Warning, "a translation's brackets or double quotes are unbalanced";
    QA_DOUBLED_WORD = "qa.doubled-word", Warning, "a translation writes a word twice in a row";
    QA_INCONSISTENT_TARGET = "qa.inconsistent-target", Warning, "the same normalised source is translated differently elsewhere in the version";
    QA_INCONSISTENT_SOURCE = "qa.inconsistent-source", Warning, "another source of the version has the same translation";
}

/// The rule with id `id`.
pub fn by_id(id: &str) -> Option<Rule> {
    ALL.iter().copied().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<&str> = ALL.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        assert_eq!(
            by_id("slot.stale").map(|r| r.severity),
            Some(Severity::Error)
        );
    }
}
