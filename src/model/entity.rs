use serde::{Deserialize, Serialize};

/// Entity labels: the ANERcorp set plus the rule-found numbers and dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Label {
    Per,
    Loc,
    Org,
    Misc,
    Num,
    Date,
}

impl Label {
    pub const ALL: [Label; 6] = [
        Label::Per,
        Label::Loc,
        Label::Org,
        Label::Misc,
        Label::Num,
        Label::Date,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Per => "PER",
            Label::Loc => "LOC",
            Label::Org => "ORG",
            Label::Misc => "MISC",
            Label::Num => "NUM",
            Label::Date => "DATE",
        }
    }

    pub fn parse(s: &str) -> Option<Label> {
        Label::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// Who or what produced an entity span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityOrigin {
    Rule,
    Gazetteer,
    Model,
    Human,
}

impl EntityOrigin {
    pub const ALL: [EntityOrigin; 4] = [
        EntityOrigin::Rule,
        EntityOrigin::Gazetteer,
        EntityOrigin::Model,
        EntityOrigin::Human,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityOrigin::Rule => "rule",
            EntityOrigin::Gazetteer => "gazetteer",
            EntityOrigin::Model => "model",
            EntityOrigin::Human => "human",
        }
    }

    pub fn parse(s: &str) -> Option<EntityOrigin> {
        EntityOrigin::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// A named-entity span in document offsets, always inside one sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub entity_id: String,
    pub doc_id: String,
    pub sentence_id: String,
    /// Code point offset into the document text, inclusive.
    pub start: i32,
    /// Code point offset into the document text, exclusive.
    pub end: i32,
    /// Exactly the document text `[start, end)`.
    pub text: String,
    /// One of [`Label`]'s strings.
    pub label: String,
    /// One of [`EntityOrigin`]'s strings.
    pub origin: String,
    /// Confidence in [0, 1] for model spans; null for rules and people.
    pub score: Option<f32>,
    /// The usual English rendering, from the dataset's glossary; absent
    /// (JSONL) or null (Parquet) when the glossary has none. Versions
    /// written before the column existed lack it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}
