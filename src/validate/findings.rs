//! Findings and the report that collects them.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::rules::{Rule, Severity};

/// One problem found in a dataset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// The file the problem is in.
    pub file: String,
    /// 1-based row (Parquet) or line (JSONL), when the problem is in one.
    pub row: Option<u64>,
    /// The id of the row concerned, when known.
    pub id: Option<String>,
    pub message: String,
}

/// Counts of what was checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    pub versions: u64,
    pub files: u64,
    pub bytes: u64,
    pub rows: u64,
    pub errors: u64,
    pub warnings: u64,
}

/// Everything `validate` found, in the order it was found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub valid: bool,
    pub stats: Stats,
    pub findings: Vec<Finding>,
    /// Findings beyond the listing limit, per (rule, file).
    #[serde(skip)]
    listed: BTreeMap<(&'static str, String), u64>,
}

impl Report {
    pub fn new() -> Self {
        Report {
            valid: true,
            ..Report::default()
        }
    }

    /// Records a finding of `rule` in `file`.
    pub fn add(
        &mut self,
        rule: Rule,
        file: &Path,
        row: Option<u64>,
        id: Option<&str>,
        message: String,
    ) {
        match rule.severity {
            Severity::Error => {
                self.stats.errors += 1;
                self.valid = false;
            }
            Severity::Warning => self.stats.warnings += 1,
        }
        let file = file.display().to_string();
        let listed = self.listed.entry((rule.id, file.clone())).or_default();
        *listed += 1;
        if *listed > FINDINGS_PER_RULE_AND_FILE {
            return;
        }
        self.findings.push(Finding {
            rule: rule.id,
            severity: rule.severity,
            file,
            row,
            id: id.map(str::to_string),
            message,
        });
    }

    /// Takes in the findings and counts of another report.
    pub fn absorb(&mut self, other: Report) {
        let rules = super::rules::ALL;
        for finding in other.findings {
            let rule = *rules
                .iter()
                .find(|r| r.id == finding.rule)
                .expect("findings only use known rules");
            let file = std::path::PathBuf::from(&finding.file);
            self.add(
                rule,
                &file,
                finding.row,
                finding.id.as_deref(),
                finding.message,
            );
        }
        for ((rule, file), count) in other.listed {
            let beyond = count.saturating_sub(FINDINGS_PER_RULE_AND_FILE);
            if beyond > 0 {
                *self.listed.entry((rule, file)).or_default() += beyond;
                let severity = super::rules::by_id(rule).map(|r| r.severity);
                match severity {
                    Some(super::rules::Severity::Error) => {
                        self.stats.errors += beyond;
                        self.valid = false;
                    }
                    _ => self.stats.warnings += beyond,
                }
            }
        }
        self.stats.versions += other.stats.versions;
        self.stats.files += other.stats.files;
        self.stats.bytes += other.stats.bytes;
        self.stats.rows += other.stats.rows;
    }

    /// Adds one finding per (rule, file) whose findings were cut at the limit, saying how many more there were.
    pub fn finish(&mut self) {
        for ((rule_id, file), count) in std::mem::take(&mut self.listed) {
            if count > FINDINGS_PER_RULE_AND_FILE {
                let rule = super::rules::by_id(rule_id).expect("findings only use known rules");
                self.findings.push(Finding {
                    rule: rule.id,
                    severity: rule.severity,
                    file,
                    row: None,
                    id: None,
                    message: format!(
                        "{} more findings of this rule in this file are not listed",
                        count - FINDINGS_PER_RULE_AND_FILE
                    ),
                });
            }
        }
    }

    /// Makes every warning an error (`--strict`).
    pub fn promote_warnings(&mut self) {
        for finding in &mut self.findings {
            finding.severity = Severity::Error;
        }
        self.stats.errors += std::mem::take(&mut self.stats.warnings);
        self.valid = self.stats.errors == 0;
    }

    /// Rules that produced findings (for tests and summaries).
    pub fn rules(&self) -> Vec<&'static str> {
        let mut rules: Vec<&'static str> = self.findings.iter().map(|f| f.rule).collect();
        rules.sort();
        rules.dedup();
        rules
    }
}

/// At most this many findings of one rule are listed per file; the rest are counted.
pub const FINDINGS_PER_RULE_AND_FILE: u64 = 100;
