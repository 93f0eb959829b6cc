//! Sentence splitting: the `segment` command and named boundaries of the seeds.

use crate::util::*;

fn sentences_of(record: &serde_json::Value) -> Vec<String> {
    let text: Vec<char> = record["text"].as_str().unwrap().chars().collect();
    record["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let (start, end) = (
                s["start"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
            );
            text[start..end].iter().collect()
        })
        .collect()
}

#[test]
fn segment_writes_code_point_offsets_for_every_record() {
    let dir = TestDir::new();
    let output = dir.path().join("out.jsonl");
    let input = repo().join("tests/fixtures/segment/hard_cases.jsonl");
    let run = tarjama(&["segment", arg(&input), "-o", arg(&output)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let records: Vec<serde_json::Value> = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 3);
    assert_eq!(
        sentences_of(&records[0]),
        [
            "وقال بيسكوف: \"لا، لم يطلب المساعدة\".",
            "وأضاف أن الجانب قلق."
        ]
    );
    assert_eq!(
        sentences_of(&records[1]),
        [
            "قال د. أحمد إن النمو بلغ 3.5 بالمئة و٣٫٥ بالمئة في 2021.05.12 فقط.",
            "ثم غادر."
        ]
    );
    assert_eq!(
        sentences_of(&records[2]),
        [
            "عنوان بلا نقطة",
            "1. البند الأول",
            "2. البند الثاني",
            "فقرة أخيرة؟",
            "نعم!"
        ]
    );
}

#[test]
fn segment_and_ner_tag_read_a_file_that_starts_with_a_byte_order_mark() {
    let dir = TestDir::new();
    let input = dir.path().join("bom.jsonl");
    std::fs::write(
        &input,
        "\u{feff}{\"id\": \"a\", \"text\": \"قال بوتين في موسكو. ثم غادر.\"}\n",
    )
    .unwrap();
    for (command, field) in [
        (&["segment"][..], "sentences"),
        (&["ner", "tag"][..], "entities"),
    ] {
        let output = dir.path().join("out.jsonl");
        let mut args = command.to_vec();
        args.extend([arg(&input), "-o", arg(&output)]);
        let run = tarjama(&args);
        assert_eq!(run.code, Some(0), "{command:?}: {}", run.stderr);
        let record: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
        assert_eq!(record["id"], "a");
        assert_eq!(
            record[field].as_array().unwrap().len(),
            2,
            "{command:?}: {record}"
        );
    }
}

#[test]
fn records_split_on_all_cores_come_out_in_input_order_each_split_as_alone() {
    let dir = TestDir::new();
    let hard_cases =
        std::fs::read_to_string(repo().join("tests/fixtures/segment/hard_cases.jsonl")).unwrap();
    let cases: Vec<serde_json::Value> = hard_cases
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Past the few megabytes of text annotated at once, so several batches.
    let filler = "قال المتحدث إن الاجتماع انتهى. وأضاف أن النتائج جيدة! ".repeat(40);
    let mut input = String::new();
    let mut n = 0;
    while input.len() < 9 << 20 {
        let mut record = cases[n % cases.len()].clone();
        record["id"] = serde_json::json!(format!("r{n:06}"));
        if n % 7 == 0 {
            record["text"] = serde_json::json!(format!("{n} {filler}"));
        }
        input.push_str(&record.to_string());
        input.push('\n');
        n += 1;
    }
    let input_path = dir.path().join("many.jsonl");
    std::fs::write(&input_path, &input).unwrap();
    let output = dir.path().join("out.jsonl");
    let run = tarjama(&["segment", arg(&input_path), "-o", arg(&output)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let one_thread = dir.path().join("one_thread.jsonl");
    let run = tarjama(&[
        "segment",
        arg(&input_path),
        "-o",
        arg(&one_thread),
        "--jobs",
        "1",
    ]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        std::fs::read(&output).unwrap() == std::fs::read(&one_thread).unwrap(),
        "one thread and every core write the same bytes"
    );
    let records: Vec<serde_json::Value> = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), n);
    let alone = dir.path().join("alone.jsonl");
    let alone_out = dir.path().join("alone.out.jsonl");
    for (i, record) in records.iter().enumerate() {
        assert_eq!(record["id"], format!("r{i:06}"));
        // Records of the first and the last batch are split again on their own.
        if i < cases.len() || i >= n - cases.len() {
            std::fs::write(&alone, input.lines().nth(i).unwrap()).unwrap();
            let run = tarjama(&["segment", arg(&alone), "-o", arg(&alone_out)]);
            assert_eq!(run.code, Some(0), "{}", run.stderr);
            let by_itself: serde_json::Value =
                serde_json::from_str(std::fs::read_to_string(&alone_out).unwrap().trim()).unwrap();
            assert_eq!(record["sentences"], by_itself["sentences"], "record {i}");
        }
    }
}

#[test]
fn a_gzipped_input_is_read_whatever_its_name_and_a_gz_output_is_written_gzipped() {
    use std::io::{Read, Write};
    let dir = TestDir::new();
    let plain_input = repo().join("tests/fixtures/segment/hard_cases.jsonl");
    let plain_output = dir.path().join("plain.jsonl");
    let run = tarjama(&["segment", arg(&plain_input), "-o", arg(&plain_output)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Named .jsonl, as a download often is, but gzipped.
    let gzipped_input = dir.path().join("records.jsonl");
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&std::fs::read(&plain_input).unwrap())
        .unwrap();
    std::fs::write(&gzipped_input, gzip.finish().unwrap()).unwrap();
    let gzipped_output = dir.path().join("out.jsonl.gz");
    let run = tarjama(&["segment", arg(&gzipped_input), "-o", arg(&gzipped_output)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&gzipped_output).unwrap())
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, std::fs::read(&plain_output).unwrap());
    // `ner tag` reads it the same way.
    let tagged = dir.path().join("tagged.jsonl");
    let run = tarjama(&["ner", "tag", arg(&gzipped_input), "-o", arg(&tagged)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&tagged).unwrap().lines().count(), 3);
}

#[test]
fn segment_names_the_malformed_line() {
    let dir = TestDir::new();
    let input = repo().join("tests/fixtures/segment/malformed_line.jsonl");
    let run = tarjama(&[
        "segment",
        arg(&input),
        "-o",
        arg(&dir.path().join("out.jsonl")),
    ]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("malformed_line.jsonl:2:"),
        "{}",
        run.stderr
    );
}

/// The sentences of one seed document in the latest committed version.
fn seed_sentences(doc_id: &str) -> Vec<String> {
    let path = seed_latest().join("sentences.jsonl");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|s| s["doc_id"] == doc_id)
        .map(|s| s["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn named_boundaries_of_the_seed_articles() {
    let s000 = seed_sentences("000_97094da2f4076d17");
    // The headline ends at its line break, with no punctuation.
    assert_eq!(
        s000[0],
        "الكرملين: باشينيان لم يطلب من بوتين المساعدة بشأن الوضع في مقاطعة سيونيك"
    );
    // The quotation that ends with `النار".` closes its sentence, stop outside the quote.
    let quote_end = s000
        .iter()
        .position(|s| s.ends_with("النار\"."))
        .expect("a sentence ends with النار\".");
    assert!(
        s000[quote_end].starts_with("وقد شاركه الرئيس بوتين"),
        "{}",
        s000[quote_end]
    );
    assert!(
        s000[quote_end + 1].starts_with("في وقت سابق"),
        "{}",
        s000[quote_end + 1]
    );
    // The colon before the quotation does not split.
    assert!(s000
        .iter()
        .any(|s| s.starts_with("وقال بيسكوف") && s.ends_with(": \"لا، باشينيان لم يطلب المساعدة.")));
    // The dateline with its own period is its own sentence.
    assert!(s000.contains(&"موسكو - سبوتنيك.".to_string()));

    let s003 = seed_sentences("003_58c241df490e0bb8");
    // Arabic commas, even without a following space, do not split.
    assert!(s003
        .iter()
        .any(|s| s.starts_with("أعلن نائب قائد جيش كاراباخ") && s.ends_with("إلى 158.")));

    let s001 = seed_sentences("001_e7d6e6f1aabd009e");
    // A quotation that runs over a period splits inside it, and the closing quote stays with the stop.
    assert!(s001.iter().any(|s| s.ends_with("بالتفصيل.")));
    assert!(s001
        .iter()
        .any(|s| s.starts_with("وأعرب الجانبان") && s.ends_with("المفاوضات\".")));
}
