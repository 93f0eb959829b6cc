//! One fixture per validator rule: a copy of the seed dataset damaged in
//! one way, which must trigger exactly that rule; and clean datasets, with
//! and without translations, which trigger none.

use std::path::{Path, PathBuf};

use tarjama::model::{Orphan, Sentence, TranslationSlot};
use tarjama::pipeline::{document_norm_sha256, normalised_sha256_hex, sha256_hex};
use tarjama::settings::SplitSettings;
use tarjama::split::Split;
use tarjama::validate::rules;

use crate::tamper::*;
use crate::util::*;

/// The dataset a fixture starts from.
#[derive(Clone, Copy)]
enum Base {
    /// The seed dataset's committed v0001.
    Seed,
    /// The seed dataset rebuilt as v0002 with a syndicated copy of article
    /// 002: every sentence of it appears twice, and v0002 has a parent.
    Syndicated,
}

/// Its own id sends a group of it alone to the test split (0.994 of the
/// key range), the article it copies to train.
const SYNDICATED_COPY: &str = "902_wire_copy";

/// A body sentence with numbers, and a faithful translation of it.
const TRANSLATED: &str = "002_16547596d5c87a81#000010";
const TRANSLATION: &str = "With Russian mediation, Armenia and Azerbaijan reached a ceasefire agreement in the Nagorno-Karabakh region on 9 November 2020.";

/// A boilerplate sentence of a tag list (`- ناجورنو كاراباخ`): no slot, no
/// entities, so edits to it touch no other row.
const TAG: &str = "003_58c241df490e0bb8#000002";
/// The boilerplate sentence after it, one newline later.
const NEXT_TAG: &str = "003_58c241df490e0bb8#000003";

struct Fixture {
    rule: &'static str,
    base: Base,
    /// Damages the dataset folder.
    damage: fn(&Path),
}

fn build(base: Base, dir: &TestDir) -> PathBuf {
    let dataset = dir.seed_with_v0001("seed");
    if let Base::Syndicated = base {
        std::fs::copy(
            dataset.join("raw/002_16547596d5c87a81.txt"),
            dataset.join(format!("raw/{SYNDICATED_COPY}.txt")),
        )
        .unwrap();
        build_quietly(&dataset);
    }
    dataset
}

fn latest(dataset: &Path) -> PathBuf {
    let versions = dataset.join("versions");
    ["v0002", "v0001"]
        .iter()
        .map(|v| versions.join(v))
        .find(|v| v.exists())
        .unwrap()
}

fn v1(dataset: &Path) -> PathBuf {
    dataset.join("versions/v0001")
}

fn sentence<'a>(sentences: &'a mut [Sentence], id: &str) -> &'a mut Sentence {
    sentences.iter_mut().find(|s| s.sentence_id == id).unwrap()
}

fn slot<'a>(slots: &'a mut [TranslationSlot], id: &str) -> &'a mut TranslationSlot {
    slots.iter_mut().find(|s| s.sentence_id == id).unwrap()
}

fn fill(slot: &mut TranslationSlot, text: &str) {
    slot.text = Some(text.to_string());
    slot.status = "done".into();
    slot.origin = Some("human".into());
    slot.translator = Some("amal".into());
    slot.updated_at = Some("2026-11-23T10:00:00Z".into());
}

/// Fills the slot of [`TRANSLATED`] with `text`.
fn translate(dataset: &Path, text: &'static str) {
    rewrite_version(&latest(dataset), |t| {
        fill(slot(&mut t.slots, TRANSLATED), text)
    });
}

/// Replaces [`TRANSLATION`]'s `from` with `to`.
fn translate_with(dataset: &Path, from: &str, to: &str) {
    let text = TRANSLATION.replacen(from, to, 1);
    rewrite_version(&latest(dataset), move |t| {
        fill(slot(&mut t.slots, TRANSLATED), &text)
    });
}

/// Rewrites a sentence's text to `document[start..end]` with its hash.
fn resync(sentence: &mut Sentence, document: &str) {
    sentence.text = document
        .chars()
        .skip(sentence.start as usize)
        .take((sentence.end - sentence.start) as usize)
        .collect();
    sentence.text_sha256 = sha256_hex(&sentence.text);
    sentence.norm_sha256 = normalised_sha256_hex(&sentence.text);
}

/// Gives every document the key its sentences' (edited) keys give it.
fn rekey_documents(tables: &mut Tables) {
    for document in &mut tables.documents {
        let sentences = tables
            .sentences
            .iter()
            .filter(|s| s.doc_id == document.doc_id);
        document.norm_sha256 = document_norm_sha256(sentences.map(|s| s.norm_sha256.as_str()));
    }
}

/// The text of the document of sentence `id`.
fn document_of(tables: &Tables, id: &str) -> String {
    let doc = tables
        .documents
        .iter()
        .find(|doc| id.starts_with(&doc.doc_id))
        .unwrap();
    doc.text.clone()
}

fn entry_of<'a>(
    m: &'a mut tarjama::model::Manifest,
    path: &str,
) -> &'a mut tarjama::model::FileEntry {
    m.files.iter_mut().find(|f| f.path == path).unwrap()
}

const FIXTURES: &[Fixture] = &[
    Fixture {
        rule: "dataset.stray-entry",
        base: Base::Seed,
        damage: |d| std::fs::create_dir(d.join("versions/old-backup")).unwrap(),
    },
    Fixture {
        rule: "manifest.unreadable",
        base: Base::Seed,
        damage: |d| std::fs::write(v1(d).join("manifest.json"), "{").unwrap(),
    },
    Fixture {
        rule: "manifest.format-version",
        base: Base::Seed,
        damage: |d| {
            let path = v1(d).join("manifest.json");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(
                &path,
                text.replacen("\"format_version\": 1", "\"format_version\": 99", 1),
            )
            .unwrap();
        },
    },
    Fixture {
        rule: "manifest.self-hash",
        base: Base::Seed,
        damage: |d| {
            let path = v1(d).join("manifest.json");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, text.replacen("\"seed-news\"", "\"seed-NEWS\"", 1)).unwrap();
        },
    },
    Fixture {
        rule: "manifest.version",
        base: Base::Seed,
        damage: |d| edit_manifest(&v1(d), |m| m.version = "v0009".into()),
    },
    Fixture {
        rule: "manifest.files",
        base: Base::Seed,
        damage: |d| edit_manifest(&v1(d), |m| m.files.push(m.files[0].clone())),
    },
    Fixture {
        rule: "file.missing",
        base: Base::Seed,
        damage: |d| std::fs::remove_file(v1(d).join("documents.jsonl")).unwrap(),
    },
    Fixture {
        rule: "file.size",
        base: Base::Seed,
        damage: |d| edit_manifest(&v1(d), |m| entry_of(m, "entities.jsonl").bytes += 1),
    },
    Fixture {
        rule: "file.sha256",
        base: Base::Seed,
        damage: |d| {
            edit_manifest(&v1(d), |m| {
                entry_of(m, "entities.jsonl").sha256 = "0".repeat(64)
            })
        },
    },
    Fixture {
        rule: "file.rows",
        base: Base::Seed,
        damage: |d| edit_manifest(&v1(d), |m| entry_of(m, "entities.jsonl").rows += 1),
    },
    Fixture {
        rule: "file.unlisted",
        base: Base::Seed,
        damage: |d| std::fs::write(v1(d).join("notes.txt"), "x").unwrap(),
    },
    Fixture {
        rule: "version.fingerprint",
        base: Base::Seed,
        damage: |d| {
            let (mut m, _) = tarjama::manifest::read(&v1(d)).unwrap();
            m.fingerprint = "0".repeat(64);
            write_manifest_keeping_fingerprint(&v1(d), m);
        },
    },
    Fixture {
        rule: "version.parent",
        base: Base::Syndicated,
        damage: |d| {
            edit_manifest(&latest(d), |m| {
                m.parent.as_mut().unwrap().fingerprint = "0".repeat(64)
            })
        },
    },
    Fixture {
        rule: "table.unreadable",
        base: Base::Seed,
        damage: |d| {
            std::fs::write(v1(d).join("entities.parquet"), "not parquet").unwrap();
            rehash_files(&v1(d));
        },
    },
    Fixture {
        rule: "table.schema",
        base: Base::Seed,
        damage: |d| {
            std::fs::copy(
                v1(d).join("translations.parquet"),
                v1(d).join("entities.parquet"),
            )
            .unwrap();
            rehash_files(&v1(d));
        },
    },
    Fixture {
        rule: "table.jsonl-invalid",
        base: Base::Seed,
        damage: |d| {
            let path = v1(d).join("entities.jsonl");
            let text = std::fs::read_to_string(&path).unwrap();
            let (_, rest) = text.split_once('\n').unwrap();
            std::fs::write(&path, format!("{{\"entity_id\": 7}}\n{rest}")).unwrap();
            rehash_files(&v1(d));
        },
    },
    Fixture {
        rule: "table.jsonl-mismatch",
        base: Base::Seed,
        damage: |d| {
            let path = v1(d).join("entities.jsonl");
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(
                &path,
                text.replacen("\"label\":\"DATE\"", "\"label\":\"NUM\"", 1),
            )
            .unwrap();
            rehash_files(&v1(d));
        },
    },
    Fixture {
        rule: "id.duplicate",
        base: Base::Seed,
        damage: |d| rewrite_version(&v1(d), |t| t.entities.insert(0, t.entities[0].clone())),
    },
    Fixture {
        rule: "id.order",
        base: Base::Seed,
        damage: |d| rewrite_version(&v1(d), |t| t.entities.swap(0, 1)),
    },
    Fixture {
        rule: "document.text-hash",
        base: Base::Seed,
        damage: |d| rewrite_version(&v1(d), |t| t.documents[0].text_sha256 = "0".repeat(64)),
    },
    Fixture {
        rule: "field.format",
        base: Base::Seed,
        damage: |d| rewrite_version(&v1(d), |t| t.documents[0].source_sha256 = "zz".into()),
    },
    Fixture {
        rule: "document.title",
        base: Base::Seed,
        damage: |d| rewrite_version(&v1(d), |t| t.documents[0].title = Some("عنوان آخر".into())),
    },
    Fixture {
        rule: "document.norm-hash",
        base: Base::Seed,
        damage: |d| rewrite_version(&v1(d), |t| t.documents[0].norm_sha256 = "0".repeat(64)),
    },
    Fixture {
        rule: "sentence.unknown-document",
        base: Base::Seed,
        damage: |d| {
            rewrite_version(&v1(d), |t| {
                let mut stray = sentence(&mut t.sentences, TAG).clone();
                stray.doc_id = "zzz".into();
                stray.sentence_id = "zzz#000000".into();
                t.sentences.push(stray);
            })
        },
    },
    Fixture {
        rule: "sentence.offsets",
        base: Base::Seed,
        damage: |d| rewrite_version(&v1(d), |t| sentence(&mut t.sentences, TAG).end = 1_000_000),
    },
    Fixture {
        rule: "sentence.overlap",
        base: Base::Seed,
        damage: |d| {
            // The tag starts two characters early, on the last letter of the one before.
            rewrite_version(&v1(d), |t| {
                let document = document_of(t, TAG);
                let tag = sentence(&mut t.sentences, TAG);
                tag.start -= 2;
                resync(tag, &document);
                rekey_documents(t);
            })
        },
    },
    Fixture {
        rule: "sentence.coverage",
        base: Base::Seed,
        damage: |d| {
            rewrite_version(&v1(d), |t| {
                let document = t
                    .documents
                    .iter()
                    .find(|doc| TAG.starts_with(&doc.doc_id))
                    .unwrap()
                    .text
                    .clone();
                let tag = sentence(&mut t.sentences, TAG);
                tag.end -= 1;
                resync(tag, &document);
                rekey_documents(t);
            })
        },
    },
    Fixture {
        rule: "sentence.edge",
        base: Base::Seed,
        damage: |d| {
            // The newline between two tags becomes a fatha that the second
            // tag starts on: it cuts the first tag's last letter from its mark.
            rewrite_version(&v1(d), |t| {
                let end = sentence(&mut t.sentences, TAG).end as usize;
                let doc = t
                    .documents
                    .iter_mut()
                    .find(|doc| TAG.starts_with(&doc.doc_id))
                    .unwrap();
                let mut chars: Vec<char> = doc.text.chars().collect();
                assert_eq!(chars[end], '\n');
                chars[end] = '\u{064E}';
                doc.text = chars.into_iter().collect();
                doc.text_sha256 = sha256_hex(&doc.text);
                let document = doc.text.clone();
                let next = sentence(&mut t.sentences, NEXT_TAG);
                next.start = end as i32;
                resync(next, &document);
            })
        },
    },
    Fixture {
        rule: "sentence.text",
        base: Base::Seed,
        damage: |d| {
            rewrite_version(&v1(d), |t| {
                let tag = sentence(&mut t.sentences, TAG);
                tag.text = tag.text.replacen('-', "+", 1);
                tag.text_sha256 = sha256_hex(&tag.text);
                tag.norm_sha256 = normalised_sha256_hex(&tag.text);
                rekey_documents(t);
            })
        },
    },
    Fixture {
        rule: "sentence.text-hash",
        base: Base::Seed,
        damage: |d| {
            rewrite_version(&v1(d), |t| {
                sentence(&mut t.sentences, TAG).text_sha256 = "0".repeat(64)
            })
        },
    },
    Fixture {
        rule: "sentence.norm-hash",
        base: Base::Seed,
        damage: |d| {
            rewrite_version(&v1(d), |t| {
                sentence(&mut t.sentences, TAG).norm_sha256 = "0".repeat(64);
                rekey_documents(t);
            })
        },
    },
    Fixture {
        rule: "sentence.role",
        base: Base::Seed,
        damage: |d| {
            rewrite_version(&v1(d), |t| {
                sentence(&mut t.sentences, TAG).role = "footer".into()
            })
        },
    },
    Fixture {
        rule: "entity.unknown-sentence",
        base: Base::Seed,
        damage: |d| rewrite_version(&v1(d), |t| t.entities[0].sentence_id.push_str("99")),
    },
    Fixture {
        rule: "entity.outside-sentence",
        base: Base::Seed,
        damage: |d| {
            rewrite_version(&v1(d), |t| {
                let e = &mut t.entities[0];
                let end = t
                    .sentences
                    .iter()
                    .find(|s| s.sentence_id == e.sentence_id)
                    .unwrap()
                    .end;
                e.end = end + 1;
            })
        },
    },
    Fixture {
        rule: "entity.text",
        base: Base::Seed,
        damage: |d| rewrite_version(&v1(d), |t| t.entities[0].text.push('x')),
    },
    Fixture {
        rule: "entity.label",
        base: Base::Seed,
        damage: |d| rewrite_version(&v1(d), |t| t.entities[0].label = "PERSON".into()),
    },
    Fixture {
        rule: "entity.origin",
        base: Base::Seed,
        damage: |d| rewrite_version(&v1(d), |t| t.entities[0].origin = "oracle".into()),
    },
    Fixture {
        rule: "entity.edge",
        base: Base::Seed,
        damage: |d| {
            // One more character on the left: the space before the span.
            rewrite_version(&v1(d), |t| {
                let e = &mut t.entities[0];
                e.start -= 1;
                e.text.insert(0, ' ');
            })
        },
    },
    Fixture {
        rule: "entity.glossary",
        base: Base::Syndicated,
        damage: |d| {
            rewrite_version(&latest(d), |t| {
                let named = t.entities.iter_mut().find(|e| e.en.is_some()).unwrap();
                named.en = Some("Putin the Great".into());
            })
        },
    },
    Fixture {
        rule: "entity.crossing",
        base: Base::Seed,
        damage: |d| {
            // A second span from inside the first (`12 مايو`) to the end of
            // the word after it.
            rewrite_version(&v1(d), |t| {
                let mut other = t.entities[0].clone();
                other.entity_id = format!("{}#9999", other.sentence_id);
                let s = t
                    .sentences
                    .iter()
                    .find(|s| s.sentence_id == other.sentence_id)
                    .unwrap();
                let chars: Vec<char> = s.text.chars().collect();
                let from_end = (other.end - s.start) as usize;
                let word = from_end
                    + chars[from_end..]
                        .iter()
                        .position(|c| c.is_alphabetic())
                        .unwrap();
                let word_end = word
                    + chars[word..]
                        .iter()
                        .position(|c| !c.is_alphabetic())
                        .unwrap();
                other.start += 1;
                other.end = s.start + word_end as i32;
                other.text = chars[(other.start - s.start) as usize..word_end]
                    .iter()
                    .collect();
                t.entities.push(other);
                t.entities.sort_by(|a, b| a.entity_id.cmp(&b.entity_id));
            })
        },
    },
    Fixture {
        rule: "slot.missing",
        base: Base::Seed,
        damage: |d| {
            rewrite_version(&v1(d), |t| {
                t.slots.remove(0);
            })
        },
    },
    Fixture {
        rule: "slot.unknown-sentence",
        base: Base::Seed,
        damage: |d| {
            rewrite_version(&v1(d), |t| {
                let mut stray = t.slots[0].clone();
                stray.sentence_id = "zzz#000000".into();
                t.slots.push(stray);
            })
        },
    },
    Fixture {
        rule: "slot.not-translatable",
        base: Base::Seed,
        damage: |d| {
            rewrite_version(&v1(d), |t| {
                let tag = sentence(&mut t.sentences, TAG).clone();
                t.slots
                    .push(TranslationSlot::empty(tag.sentence_id, tag.text_sha256));
                t.slots.sort_by(|a, b| a.sentence_id.cmp(&b.sentence_id));
            })
        },
    },
    Fixture {
        rule: "slot.stale",
        base: Base::Seed,
        damage: |d| rewrite_version(&v1(d), |t| t.slots[3].source_sha256 = "0".repeat(64)),
    },
    Fixture {
        rule: "slot.status",
        base: Base::Seed,
        damage: |d| rewrite_version(&v1(d), |t| t.slots[3].status = "done".into()),
    },
    Fixture {
        rule: "slot.orphan",
        base: Base::Seed,
        damage: |d| {
            rewrite_version(&v1(d), |t| {
                t.orphans.push(Orphan {
                    orphan_id: Orphan::id_of("000_97094da2f4076d17#000099", "v0001"),
                    sentence_id: "000_97094da2f4076d17#000099".into(),
                    orphaned_in: "v0001".into(),
                    reason: "source-gone".into(),
                    source_text: "قال الكرملين.".into(),
                    source_sha256: sha256_hex("قال الكرملين."),
                    source_norm_sha256: normalised_sha256_hex("قال الكرملين."),
                    text: "The Kremlin said.".into(),
                    status: "draft".into(),
                    origin: Some("human".into()),
                    translator: None,
                    updated_at: Some("2026-11-23T10:00:00Z".into()),
                })
            })
        },
    },
    Fixture {
        rule: "qa.empty",
        base: Base::Seed,
        damage: |d| translate(d, " "),
    },
    Fixture {
        rule: "qa.whitespace",
        base: Base::Seed,
        damage: |d| translate_with(d, "a ceasefire", "a  ceasefire"),
    },
    Fixture {
        rule: "qa.same-as-source",
        base: Base::Seed,
        damage: |d| {
            rewrite_version(&v1(d), |t| {
                let source = sentence(&mut t.sentences, TRANSLATED).text.clone();
                fill(slot(&mut t.slots, TRANSLATED), &source);
            })
        },
    },
    Fixture {
        rule: "qa.spreadsheet-error",
        base: Base::Seed,
        damage: |d| translate(d, "#NAME?"),
    },
    Fixture {
        rule: "qa.arabic-script",
        base: Base::Seed,
        damage: |d| translate_with(d, "Nagorno-Karabakh", "قره باغ"),
    },
    Fixture {
        rule: "qa.name-missing",
        base: Base::Syndicated,
        damage: |d| translate_with(d, "Nagorno-Karabakh", "Karabakh"),
    },
    Fixture {
        rule: "qa.numbers",
        base: Base::Seed,
        damage: |d| translate_with(d, "2020", "2021"),
    },
    Fixture {
        rule: "qa.length-ratio",
        base: Base::Seed,
        damage: |d| translate(d, "A ceasefire on 9 November 2020."),
    },
    Fixture {
        rule: "qa.brackets",
        base: Base::Seed,
        damage: |d| translate_with(d, "Russian mediation", "(Russian mediation"),
    },
    Fixture {
        rule: "qa.doubled-word",
        base: Base::Seed,
        damage: |d| translate_with(d, "a ceasefire", "a a ceasefire"),
    },
    Fixture {
        rule: "qa.inconsistent-target",
        base: Base::Syndicated,
        damage: |d| {
            rewrite_version(&latest(d), |t| {
                fill(slot(&mut t.slots, TRANSLATED), TRANSLATION);
                let copy = format!("{SYNDICATED_COPY}#000010");
                fill(
                    slot(&mut t.slots, &copy),
                    &TRANSLATION.replace("reached", "agreed on"),
                );
            })
        },
    },
    Fixture {
        rule: "describe.mismatch",
        base: Base::Syndicated,
        damage: |d| {
            // A hand edit of the card, with the manifest's hashes brought up to date.
            let card = latest(d).join("README.md");
            let text = std::fs::read_to_string(&card).unwrap();
            std::fs::write(
                &card,
                text.replace("## Licence", "## Licence\n\nPublic domain."),
            )
            .unwrap();
            rehash_files(&latest(d));
        },
    },
    Fixture {
        rule: "table.content",
        base: Base::Syndicated,
        damage: |d| {
            edit_manifest(&latest(d), |m| {
                m.tables.get_mut("entities").unwrap().rows += 1;
            })
        },
    },
    Fixture {
        rule: "split.inconsistent",
        base: Base::Syndicated,
        damage: |d| {
            // A boilerplate tag line: not shared content, so no leak either.
            rewrite_version(&latest(d), |t| {
                let tag = sentence(&mut t.sentences, TAG);
                let other = Split::ALL
                    .into_iter()
                    .find(|s| Some(s.as_str()) != tag.split.as_deref())
                    .unwrap();
                tag.split = Some(other.as_str().to_string());
            })
        },
    },
    Fixture {
        rule: "split.group",
        base: Base::Syndicated,
        damage: |d| {
            // A group named after a later document, whose key gives the same split.
            rewrite_version(&latest(d), |t| {
                let later = "001_e7d6e6f1aabd009e";
                let first = &mut t.documents[0];
                assert_eq!(
                    Some(Split::of_group(later, &SplitSettings::default()).as_str()),
                    first.split.as_deref()
                );
                first.split_group = Some(later.to_string());
            })
        },
    },
    Fixture {
        rule: "split.leak",
        base: Base::Syndicated,
        damage: |d| {
            // The syndicated copy claims a group of its own, whose key sends it
            // to another split than the article it copies.
            rewrite_version(&latest(d), |t| {
                let split = Split::of_group(SYNDICATED_COPY, &SplitSettings::default());
                let original = t
                    .documents
                    .iter()
                    .find(|doc| doc.doc_id == "002_16547596d5c87a81");
                assert_ne!(original.unwrap().split.as_deref(), Some(split.as_str()));
                let copy = t
                    .documents
                    .iter_mut()
                    .find(|doc| doc.doc_id == SYNDICATED_COPY)
                    .unwrap();
                copy.split = Some(split.as_str().to_string());
                copy.split_group = Some(SYNDICATED_COPY.to_string());
                for s in t
                    .sentences
                    .iter_mut()
                    .filter(|s| s.doc_id == SYNDICATED_COPY)
                {
                    s.split = Some(split.as_str().to_string());
                }
            })
        },
    },
    Fixture {
        rule: "qa.inconsistent-source",
        base: Base::Seed,
        damage: |d| {
            // Two different sentences of one article given the same translation.
            rewrite_version(&v1(d), |t| {
                let text = "Putin and Pashinyan stress the need to respect the ceasefire.";
                fill(slot(&mut t.slots, "000_97094da2f4076d17#000003"), text);
                fill(slot(&mut t.slots, "000_97094da2f4076d17#000006"), text);
            })
        },
    },
];

/// The distinct rules of a dataset's findings.
fn rules_of(dataset: &Path) -> Vec<String> {
    let (_, report) = validate_json(dataset);
    let mut rules: Vec<String> = findings(&report)
        .into_iter()
        .map(|(rule, _)| rule)
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

#[test]
fn every_rule_has_a_fixture_that_triggers_exactly_that_rule() {
    let missing: Vec<&str> = rules::ALL
        .iter()
        .map(|r| r.id)
        .filter(|id| !FIXTURES.iter().any(|f| f.rule == *id))
        .collect();
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = FIXTURES
            .iter()
            .map(|fixture| {
                scope.spawn(move || {
                    let dir = TestDir::new();
                    let dataset = build(fixture.base, &dir);
                    (fixture.damage)(&dataset);
                    let found = rules_of(&dataset);
                    (found != [fixture.rule]).then(|| format!("{}: found {found:?}", fixture.rule))
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn clean_datasets_with_consistent_translations_trigger_no_rule() {
    let dir = TestDir::new();
    let seed = build(Base::Seed, &dir);
    translate(&seed, TRANSLATION);
    assert_eq!(rules_of(&seed), Vec::<String>::new());

    let dir = TestDir::new();
    let syndicated = build(Base::Syndicated, &dir);
    rewrite_version(&latest(&syndicated), |t| {
        fill(slot(&mut t.slots, TRANSLATED), TRANSLATION);
        fill(
            slot(&mut t.slots, &format!("{SYNDICATED_COPY}#000010")),
            TRANSLATION,
        );
    });
    assert_eq!(rules_of(&syndicated), Vec::<String>::new());
}

#[test]
fn strict_makes_translation_warnings_errors() {
    let dir = TestDir::new();
    let dataset = build(Base::Seed, &dir);
    translate_with(&dataset, "2020", "2021");
    let lenient = tarjama(&["validate", arg(&dataset)]);
    assert_eq!(lenient.code, Some(0), "{}", lenient.stdout);
    assert!(
        lenient.stdout.contains("warning qa.numbers"),
        "{}",
        lenient.stdout
    );
    let strict = tarjama(&["validate", "--strict", "--format", "json", arg(&dataset)]);
    assert_eq!(strict.code, Some(1), "{}", strict.stdout);
    let report: serde_json::Value = serde_json::from_str(&strict.stdout).unwrap();
    assert_eq!(report["findings"][0]["severity"], "error");
    assert!(report["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("2020 missing"));
    assert_eq!(report["stats"]["errors"], 1);
    assert_eq!(report["stats"]["warnings"], 0);
    // A band that admits the shortened translation silences qa.length-ratio.
    let dir = TestDir::new();
    let short = build(Base::Seed, &dir);
    translate(&short, "A ceasefire on 9 November 2020.");
    let wide = tarjama(&[
        "validate",
        "--strict",
        "--length-ratio",
        "0.2..3",
        arg(&short),
    ]);
    assert_eq!(wide.code, Some(0), "{}", wide.stdout);
    let bad = tarjama(&["validate", "--length-ratio", "3..1", arg(&short)]);
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
}

#[test]
fn malformed_norm_hashes_are_findings_not_a_crash() {
    let dir = TestDir::new();
    let dataset = dir.seed_built("seed");
    rewrite_version(&v1(&dataset), |t| {
        assert!(t.documents[0].split.is_some(), "the leak check must run");
        t.sentences[3].norm_sha256 = "zz".into();
        t.documents[0].norm_sha256 = "not hex".into();
    });
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(1), "{report}");
    let mut found = findings(&report);
    found.sort();
    let expected = [
        ("document.norm-hash", "documents.parquet"),
        ("sentence.norm-hash", "sentences.parquet"),
    ];
    assert_eq!(found, expected.map(|(r, f)| (r.to_string(), f.to_string())));
}
