//! Ingestion of real scraped input: one fixture per case in
//! `tests/fixtures/ingest/`, each checked for its exact outcome.

use serde_json::Value;

use crate::util::*;

const TITLE: &str = "الرئيس يبحث الوضع في المنطقة";
const BODY: &str = "أعلن المتحدث باسم الرئاسة الروسية أن الرئيس بحث الوضع في المنطقة مع نظيره الأرميني، وأكد ضرورة الالتزام بوقف إطلاق النار.";

/// A dataset built from some fixtures: its rows and manifest.
struct Built {
    _dir: TestDir,
    documents: Vec<Value>,
    sentences: Vec<Value>,
    manifest: Value,
    stdout: String,
}

impl Built {
    fn doc_ids(&self) -> Vec<&str> {
        self.documents
            .iter()
            .map(|d| d["doc_id"].as_str().unwrap())
            .collect()
    }

    fn document(&self, doc_id: &str) -> &Value {
        self.documents
            .iter()
            .find(|d| d["doc_id"] == doc_id)
            .unwrap_or_else(|| panic!("no document {doc_id}: {:#?}", self.manifest["skipped"]))
    }

    /// (role, text) of a document's sentences.
    fn sentences_of(&self, doc_id: &str) -> Vec<(String, String)> {
        self.sentences
            .iter()
            .filter(|s| s["doc_id"] == doc_id)
            .map(|s| {
                (
                    s["role"].as_str().unwrap().to_string(),
                    s["text"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    fn skipped(&self) -> Vec<(String, String, String)> {
        self.manifest["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let field = |k: &str| s[k].as_str().unwrap().to_string();
                (field("path"), field("code"), field("reason"))
            })
            .collect()
    }
}

fn rows(path: std::path::PathBuf) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn build(fixtures: &[&str], settings: &str) -> Built {
    build_raw(
        |raw| {
            for name in fixtures {
                std::fs::copy(fixture(name), raw.join(name)).unwrap();
            }
        },
        settings,
    )
}

fn fixture(name: &str) -> std::path::PathBuf {
    repo().join("tests/fixtures/ingest").join(name)
}

/// A dataset built from a raw folder that `fill` makes.
fn build_raw(fill: impl FnOnce(&std::path::Path), settings: &str) -> Built {
    let dir = TestDir::new();
    let dataset = dir.path().join("d");
    std::fs::create_dir_all(dataset.join("raw")).unwrap();
    std::fs::write(
        dataset.join("dataset.toml"),
        format!("name = \"d\"\n{settings}"),
    )
    .unwrap();
    fill(&dataset.join("raw"));
    let run = tarjama(&["build", arg(&dataset)]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let (code, report) = validate_json(&dataset);
    assert_eq!(code, Some(0), "{report}");
    let version = dataset.join("versions/v0001");
    Built {
        documents: rows(version.join("documents.jsonl")),
        sentences: rows(version.join("sentences.jsonl")),
        manifest: serde_json::from_slice(&std::fs::read(version.join("manifest.json")).unwrap())
            .unwrap(),
        stdout: run.stdout,
        _dir: dir,
    }
}

fn assert_title_and_body(built: &Built, doc_id: &str) {
    assert_eq!(
        built.sentences_of(doc_id),
        [
            ("title".to_string(), TITLE.to_string()),
            ("body".to_string(), BODY.to_string())
        ]
    );
}

#[test]
fn utf8_bom() {
    let built = build(&["utf8_bom.txt"], "");
    let doc = built.document("utf8_bom");
    assert_eq!(doc["source_encoding"], "UTF-8");
    assert_eq!(doc["text"], format!("{TITLE}\n\n{BODY}"));
    assert_eq!(doc["changes"]["bom"], 1);
    assert_title_and_body(&built, "utf8_bom");
}

#[test]
fn utf16_with_bom_in_both_byte_orders() {
    let built = build(&["utf16le_bom.txt", "utf16be_bom.txt"], "");
    assert_eq!(built.document("utf16le_bom")["source_encoding"], "UTF-16LE");
    assert_eq!(built.document("utf16be_bom")["source_encoding"], "UTF-16BE");
    assert_eq!(built.document("utf16le_bom")["changes"]["line_ends"], 2);
    assert_title_and_body(&built, "utf16le_bom");
    assert_title_and_body(&built, "utf16be_bom");
    assert!(
        built.stdout.contains("encodings    UTF-16BE 1, UTF-16LE 1"),
        "{}",
        built.stdout
    );
}

#[test]
fn legacy_arabic_code_pages() {
    let built = build(&["windows_1256.txt", "iso_8859_6.txt"], "");
    let cp1256 = built.document("windows_1256");
    assert_eq!(cp1256["source_encoding"], "windows-1256");
    assert_title_and_body(&built, "windows_1256");
    let iso = built.document("iso_8859_6");
    assert_eq!(iso["source_encoding"], "ISO-8859-6");
    // ISO-8859-6 has no hamza-on-alef letters; the fixture was written without them.
    assert_eq!(
        iso["text"],
        format!("{}\n\n{}", TITLE, BODY.replace(['أ', 'إ'], "ا"))
    );
}

#[test]
fn invalid_utf8_bytes_are_refused_by_default_with_the_offset() {
    let built = build(&["invalid_utf8_bytes.txt"], "");
    assert_eq!(built.documents.len(), 0);
    let skipped = built.skipped();
    assert_eq!(skipped[0].0, "raw/invalid_utf8_bytes.txt");
    assert_eq!(skipped[0].1, "invalid-utf8");
    assert!(
        skipped[0].2.contains("the first at byte 93"),
        "{}",
        skipped[0].2
    );
    assert!(
        skipped[0].2.contains("accept_invalid_utf8"),
        "{}",
        skipped[0].2
    );
}

#[test]
fn invalid_utf8_bytes_are_replaced_and_counted_when_the_dataset_accepts_them() {
    let built = build(
        &["invalid_utf8_bytes.txt"],
        "[ingest]\naccept_invalid_utf8 = true\n",
    );
    let doc = built.document("invalid_utf8_bytes");
    assert_eq!(doc["changes"]["invalid_bytes"], 3);
    assert_eq!(doc["text"].as_str().unwrap().matches('\u{fffd}').count(), 3);
    assert!(built.stdout.contains("invalid_bytes 3"), "{}", built.stdout);
}

#[test]
fn not_text_is_skipped_with_a_reason() {
    let built = build(
        &[
            "binary_nul.txt",
            "control_soup.txt",
            "empty.txt",
            "whitespace_only.txt",
        ],
        "",
    );
    assert_eq!(built.documents.len(), 0);
    let codes: Vec<(String, String)> = built
        .skipped()
        .into_iter()
        .map(|(p, c, _)| (p, c))
        .collect();
    assert_eq!(
        codes,
        [
            ("raw/binary_nul.txt".to_string(), "binary".to_string()),
            ("raw/control_soup.txt".to_string(), "binary".to_string()),
            ("raw/empty.txt".to_string(), "empty".to_string()),
            ("raw/whitespace_only.txt".to_string(), "empty".to_string()),
        ]
    );
    assert!(
        built.skipped()[0].2.contains("NUL byte at byte 5"),
        "{:?}",
        built.skipped()[0]
    );
}

#[cfg(unix)]
#[test]
fn linked_folders_are_read_but_a_link_loop_or_a_dangling_link_is_skipped_with_its_target() {
    use std::os::unix::fs::symlink;
    let elsewhere = TestDir::new();
    let corpus = elsewhere.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::copy(fixture("windows_1256.txt"), corpus.join("linked.txt")).unwrap();
    let built = build_raw(
        |raw| {
            std::fs::copy(fixture("utf8_bom.txt"), raw.join("utf8_bom.txt")).unwrap();
            symlink(&corpus, raw.join("corpus")).unwrap();
            std::fs::create_dir(raw.join("sub")).unwrap();
            symlink("..", raw.join("sub/back_to_raw")).unwrap();
            symlink(".", raw.join("sub/itself")).unwrap();
            symlink("/nonexistent/article.txt", raw.join("gone.txt")).unwrap();
        },
        "",
    );
    let ids = built.doc_ids();
    assert_eq!(ids, ["corpus.linked", "utf8_bom"]);
    assert_title_and_body(&built, "corpus.linked");
    let skipped = built.skipped();
    let codes: Vec<(&str, &str)> = skipped
        .iter()
        .map(|(p, c, _)| (p.as_str(), c.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("raw/gone.txt", "broken-link"),
            ("raw/sub/back_to_raw", "link-loop"),
            ("raw/sub/itself", "link-loop"),
        ]
    );
    assert!(
        skipped[0].2.contains("\"/nonexistent/article.txt\""),
        "{skipped:?}"
    );
    assert!(
        skipped[1].2.contains("a symbolic link to \"raw\""),
        "{skipped:?}"
    );
    assert!(
        skipped[2].2.contains("a symbolic link to \"raw/sub\""),
        "{skipped:?}"
    );
    assert!(
        built.stdout.contains("skipped (link-loop): 2"),
        "{}",
        built.stdout
    );
}

#[test]
fn a_file_reached_under_two_names_is_read_once_under_the_name_without_a_link() {
    use std::os::unix::fs::symlink;
    let built = build_raw(
        |raw| {
            let articles = raw.join("articles");
            std::fs::create_dir(&articles).unwrap();
            std::fs::copy(fixture("utf8_bom.txt"), articles.join("one.txt")).unwrap();
            std::fs::copy(fixture("windows_1256.txt"), articles.join("two.txt")).unwrap();
            // Listed before and after the folder they point at.
            symlink("articles", raw.join("0_alias")).unwrap();
            symlink("articles", raw.join("mirror")).unwrap();
            std::fs::hard_link(articles.join("two.txt"), raw.join("two_again.txt")).unwrap();
            // A name that is not read never stands in for one that is.
            std::fs::create_dir(raw.join(".backup")).unwrap();
            std::fs::hard_link(articles.join("one.txt"), raw.join(".backup/one.txt")).unwrap();
            std::fs::hard_link(articles.join("one.txt"), raw.join("0_one.bak")).unwrap();
        },
        "",
    );
    let ids = built.doc_ids();
    assert_eq!(ids, ["articles.one", "articles.two"]);
    let mut skipped = built.skipped();
    let not_read: Vec<(String, String)> = skipped
        .iter()
        .filter(|(_, code, _)| code != "same-file")
        .map(|(path, code, _)| (path.clone(), code.clone()))
        .collect();
    assert_eq!(
        not_read,
        [
            ("raw/.backup/one.txt".to_string(), "hidden-file".to_string()),
            (
                "raw/0_one.bak".to_string(),
                "unsupported-format".to_string()
            ),
        ]
    );
    skipped.retain(|(_, code, _)| code == "same-file");
    let same_file: Vec<(&str, &str)> = skipped
        .iter()
        .map(|(path, code, reason)| {
            assert_eq!(code, "same-file", "{skipped:?}");
            let read = reason
                .strip_prefix("the same file as ")
                .and_then(|r| r.split(',').next())
                .unwrap_or_else(|| panic!("{reason}"));
            (path.as_str(), read)
        })
        .collect();
    assert_eq!(
        same_file,
        [
            ("raw/0_alias/one.txt", "raw/articles/one.txt"),
            ("raw/0_alias/two.txt", "raw/articles/two.txt"),
            ("raw/mirror/one.txt", "raw/articles/one.txt"),
            ("raw/mirror/two.txt", "raw/articles/two.txt"),
            ("raw/two_again.txt", "raw/articles/two.txt"),
        ]
    );
    assert!(
        built.stdout.contains("skipped (same-file): 5"),
        "{}",
        built.stdout
    );
}

#[test]
fn a_line_of_several_megabytes_is_text() {
    let dir = TestDir::new();
    let dataset = dir.empty_dataset("d");
    let long_line = "كلمة ".repeat(600_000);
    std::fs::write(dataset.join("raw/megabyte_line.txt"), &long_line).unwrap();
    let run = tarjama(&["build", arg(&dataset)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // 600,000 words with no stop: pieces of at most 1,000 words each.
    assert!(
        run.stdout.contains("documents 1  sentences 600 "),
        "{}",
        run.stdout
    );
}

#[test]
fn crlf_and_lone_cr() {
    let built = build(&["crlf_and_lone_cr.txt"], "");
    let doc = built.document("crlf_and_lone_cr");
    assert_eq!(doc["text"], format!("{TITLE}\n\nسطر أول.\nسطر ثان."));
    assert_eq!(doc["changes"]["line_ends"], 3);
}

#[test]
fn lost_line_breaks_and_control_characters() {
    let built = build(&["lost_line_breaks_and_control_characters.txt"], "");
    let doc = built.document("lost_line_breaks_and_control_characters");
    assert_eq!(doc["text"], format!("{TITLE}\n\nصورة من الاجتماع\n{BODY}"));
    assert_eq!(doc["changes"]["line_ends"], 3, "two SUB and a U+2028");
    assert_eq!(doc["changes"]["invisible"], 1, "DEL");
    let texts: Vec<String> = built
        .sentences_of("lost_line_breaks_and_control_characters")
        .into_iter()
        .map(|(_, text)| text)
        .collect();
    assert_eq!(texts, [TITLE, "صورة من الاجتماع", BODY]);
}

#[test]
fn html_remnants() {
    let built = build(&["html_remnants.txt"], "");
    let doc = built.document("html_remnants");
    assert_eq!(
        doc["text"],
        format!("{TITLE}\n\nقال المتحدث \"نعم\" & أضاف كلمة.\nسطر جديد.")
    );
    assert_eq!(doc["changes"]["html_tags"], 6);
    assert_eq!(doc["changes"]["html_entities"], 4);
    assert_eq!(doc["changes"]["nbsp"], 1);
    assert_eq!(
        built.sentences_of("html_remnants"),
        [
            ("title".to_string(), TITLE.to_string()),
            (
                "body".to_string(),
                "قال المتحدث \"نعم\" & أضاف كلمة.".to_string()
            ),
            ("body".to_string(), "سطر جديد.".to_string()),
        ]
    );
}

#[test]
fn invisible_characters_are_removed_and_counted() {
    let built = build(&["invisible_characters.txt"], "");
    let doc = built.document("invisible_characters");
    assert_eq!(
        doc["text"],
        format!("{TITLE}\n\nقال المتحدث إن الوضع هادئ.")
    );
    assert_eq!(doc["changes"]["invisible"], 6);
    assert!(built.stdout.contains("invisible 6"), "{}", built.stdout);
    assert_eq!(built.manifest["audit"]["changes"]["invisible"], 6);
}

#[test]
fn tatweel_and_nfc() {
    let built = build(&["tatweel_and_nfc.txt"], "");
    let doc = built.document("tatweel_and_nfc");
    assert_eq!(doc["text"], format!("{TITLE}\n\nمدرسة أحمد جيدة."));
    assert_eq!(doc["changes"]["tatweel"], 2);
    assert_eq!(doc["changes"]["nfc"], 2);
}

#[test]
fn blank_line_runs() {
    let built = build(&["blank_line_runs.txt"], "");
    let doc = built.document("blank_line_runs");
    assert_eq!(doc["text"], format!("{TITLE}\n\nفقرة أولى.\n\nفقرة ثانية."));
    assert_eq!(doc["changes"]["blank_lines"], 10);
}

fn roles(built: &Built, doc_id: &str) -> Vec<String> {
    built
        .sentences_of(doc_id)
        .into_iter()
        .map(|(role, _)| role)
        .collect()
}

#[test]
fn repeated_lines_mastheads_and_captions_are_boilerplate() {
    let built = build(&["repeated_lines.txt"], "");
    assert_eq!(
        roles(&built, "repeated_lines"),
        [
            "boilerplate",
            "boilerplate",
            "boilerplate",
            "boilerplate",
            "title",
            "boilerplate",
            "boilerplate",
            "body"
        ]
    );
    assert_eq!(built.document("repeated_lines")["title"], TITLE);
}

#[test]
fn tag_lists_are_boilerplate() {
    let built = build(&["tag_list.txt"], "");
    assert_eq!(
        roles(&built, "tag_list"),
        [
            "title",
            "body",
            "boilerplate",
            "boilerplate",
            "boilerplate",
            "boilerplate"
        ]
    );
}

#[test]
fn bylines_agency_lines_and_lone_labels_are_boilerplate() {
    let built = build(&["byline_and_agency.txt"], "");
    assert_eq!(
        built.sentences_of("byline_and_agency"),
        [
            ("title".to_string(), TITLE.to_string()),
            ("boilerplate".to_string(), "بقلم: أحمد علي".to_string()),
            ("boilerplate".to_string(), "(رويترز)".to_string()),
            ("body".to_string(), BODY.to_string()),
            ("boilerplate".to_string(), "Sputnik".to_string()),
            ("boilerplate".to_string(), "تعليقات".to_string()),
        ]
    );
    let slots = rows(
        built
            ._dir
            .path()
            .join("d/versions/v0001/translations.jsonl"),
    );
    assert_eq!(slots.len(), 2, "boilerplate gets no translation slot");
}

#[test]
fn a_crawl_artefact_is_boilerplate_and_its_value_goes_to_metadata() {
    let built = build(&["crawl_artefact_date.txt"], "");
    assert_eq!(
        built.sentences_of("crawl_artefact_date"),
        [
            ("boilerplate".to_string(), "date 2021-05".to_string()),
            ("body".to_string(), BODY.to_string()),
            ("body".to_string(), "فقرة ثانية.".to_string()),
        ]
    );
    assert_eq!(
        built.document("crawl_artefact_date")["metadata"],
        r#"{"date":"2021-05"}"#
    );
}

/// The records of `records_unsorted.jsonl` (plain or gzip) as documents in
/// id order, and its bad records listed by line.
fn assert_unsorted_records_built(name: &str) -> Built {
    let built = build(&[name], "");
    let ids = built.doc_ids();
    assert_eq!(ids, ["2015-07-21-00001", "2015-07-21-00002"]);
    let first = built.document("2015-07-21-00001");
    assert_eq!(first["source_path"], format!("raw/{name}:2"));
    assert_eq!(first["text"], "فقرة أولى.\nفقرة ثانية.");
    assert_eq!(
        first["metadata"],
        r#"{"source":"spa","url":"http://example.com/1"}"#
    );
    let second = built.document("2015-07-21-00002");
    assert_eq!(second["title"], "عنوان السجل الثاني");
    let skipped: Vec<(String, String)> = built
        .skipped()
        .into_iter()
        .map(|(p, c, _)| (p, c))
        .collect();
    let at = |line: u32, code: &str| (format!("raw/{name}:{line}"), code.to_string());
    assert_eq!(
        skipped,
        [
            at(3, "invalid-record"),
            at(4, "empty"),
            at(5, "duplicate-id"),
            at(6, "invalid-record"),
        ]
    );
    built
}

#[test]
fn jsonl_records_are_documents_in_id_order_and_bad_records_are_listed() {
    assert_unsorted_records_built("records_unsorted.jsonl");
}

/// Saved by a Windows tool (a byte order mark first), then concatenated
/// with another such file (a second mark at the start of line 2), with CRLF
/// line ends and out of id order: both records are documents.
#[test]
fn jsonl_records_after_byte_order_marks_are_documents() {
    let built = build(&["records_with_byte_order_marks.jsonl"], "");
    assert_eq!(built.skipped(), []);
    let texts: Vec<(&str, &str)> = built
        .documents
        .iter()
        .map(|d| (d["doc_id"].as_str().unwrap(), d["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        texts,
        [
            ("2015-07-21-00001", "نص السجل الأول."),
            ("2015-07-21-00002", "نص السجل الثاني.")
        ]
    );
}

/// A gzip file cannot be read at an offset: its records are read from a
/// decompressed copy, which no folder of the dataset keeps.
#[test]
fn gzipped_jsonl_out_of_id_order_is_read_by_offset_from_a_copy_left_nowhere() {
    let built = assert_unsorted_records_built("records_unsorted.jsonl.gz");
    let mut folders = vec![built._dir.path().to_path_buf()];
    let mut files = Vec::new();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path.file_name().unwrap().to_string_lossy().into_owned());
            }
        }
    }
    files.sort();
    assert!(
        files.contains(&"documents.parquet".to_string()),
        "{files:?}"
    );
    assert!(!files.iter().any(|f| f.contains("unsorted-")), "{files:?}");
}

#[test]
fn gzipped_jsonl_streams_and_shared_wire_sentences_are_grouped() {
    let built = build(&["records_sorted.jsonl.gz", "utf8_bom.txt"], "");
    assert_eq!(built.documents.len(), 6);
    let wire: Vec<&Value> = built
        .sentences
        .iter()
        .filter(|s| s["text"] == "جملة مشتركة من وكالة الأنباء.")
        .collect();
    assert_eq!(wire.len(), 5);
    assert!(wire
        .iter()
        .all(|s| s["norm_sha256"] == wire[0]["norm_sha256"]));
    let audit = &built.manifest["audit"];
    assert_eq!(audit["shared_sentence_groups"], 1);
    assert_eq!(audit["shared_sentences"], 5);
    assert_eq!(built.manifest["inputs"].as_array().unwrap().len(), 2);
}

#[test]
fn identical_documents_are_reported() {
    let dir = TestDir::new();
    let dataset = dir.empty_dataset("d");
    std::fs::write(dataset.join("raw/a.txt"), format!("{TITLE}\n\n{BODY}")).unwrap();
    // The same article with other alef forms and a diacritic: the same normalised text.
    std::fs::write(
        dataset.join("raw/b.txt"),
        format!(
            "{TITLE}\n\n{}",
            BODY.replace('أ', "ا").replace("بحث", "بَحث")
        ),
    )
    .unwrap();
    let run = tarjama(&["build", arg(&dataset)]);
    assert!(
        run.stdout
            .contains("duplicates   1 group of identical documents (2 documents)"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_seed_boilerplate_is_marked_and_nothing_else() {
    let sentences = rows(seed_latest().join("sentences.jsonl"));
    let marked: Vec<(String, String)> = sentences
        .iter()
        .filter(|s| s["role"] == "boilerplate")
        .map(|s| {
            (
                s["doc_id"].as_str().unwrap()[..3].to_string(),
                s["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(&str, &str)> = vec![
        // 000: the agency line after the lead, and the trailing comments-section label.
        ("000", "Sputnik"),
        ("000", "مناقشة"),
        // 001: the crawl artefact before the first sentence.
        ("001", "date 2021-05"),
        // 003: the repeated headline and the tag list, printed twice.
        ("003", "بوتين يبحث مع نظيره الأرميني الوضع في كاراباخ"),
        ("003", "- ناجورنو كاراباخ"),
        ("003", "- اشتباكات أذربيجان وأرمينيا"),
        ("003", "- الرئيس الروسي فلاديمير بوتين"),
        ("003", "- الكرملين"),
        ("003", "- أرمينيا"),
        ("003", "- ناجورنو كاراباخ"),
        ("003", "- اشتباكات أذربيجان وأرمينيا"),
        ("003", "- الرئيس الروسي فلاديمير بوتين"),
        ("003", "- الكرملين"),
        ("003", "- أرمينيا"),
        // 004: the masthead, printed twice, and the repeated photo caption.
        ("004", "رئيس مجلسى الإدارة والتحرير"),
        ("004", "محمد الباز"),
        ("004", "رئيس مجلسى الإدارة والتحرير"),
        ("004", "محمد الباز"),
        ("004", "فلاديمير بوتين"),
        ("004", "فلاديمير بوتين"),
    ];
    let expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(d, t)| (d.to_string(), t.to_string()))
        .collect();
    assert_eq!(marked, expected);
    // The body text right after the artefact in 001 is a body sentence that keeps its slot.
    let after_artefact = sentences
        .iter()
        .find(|s| s["sentence_id"] == "001_e7d6e6f1aabd009e#000001")
        .unwrap();
    assert_eq!(after_artefact["role"], "body");
    assert!(after_artefact["text"]
        .as_str()
        .unwrap()
        .starts_with("وجاء في بيان المكتب الصحفي للكرملين"));
    let documents = rows(seed_latest().join("documents.jsonl"));
    assert_eq!(documents[1]["metadata"], r#"{"date":"2021-05"}"#);
    assert_eq!(
        documents[4]["title"],
        "فلاديمير بوتين ونيكول باشينيان يبحثان الوضع فى قره باج"
    );
}
