//! Sorting more records than memory should hold: records are gathered up
//! to a byte budget, sorted, and written as a run to a [`Spill`]; the runs
//! are then merged. Memory holds one budget's worth of records while
//! gathering and one record per run while merging.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::spill::{Spill, SpillRecords};
use crate::error::Result;

/// Records sorted on disk; see the module documentation.
pub struct ExternalSort<T> {
    spill: Spill<T>,
    /// Each run's range of offsets in the spill.
    runs: Vec<(u64, u64)>,
    gathered: Vec<T>,
    gathered_bytes: usize,
    budget_bytes: usize,
    size_of: fn(&T) -> usize,
}

impl<T: Ord + Serialize + DeserializeOwned> ExternalSort<T> {
    /// A sort whose runs go to an unnamed file in `dir`; a run is written
    /// each time the gathered records' `size_of` adds up to `budget_bytes`.
    pub fn create_in(
        dir: &Path,
        name: &str,
        budget_bytes: usize,
        size_of: fn(&T) -> usize,
    ) -> Result<Self> {
        Ok(ExternalSort {
            spill: Spill::create_in(dir, name)?,
            runs: Vec::new(),
            gathered: Vec::new(),
            gathered_bytes: 0,
            budget_bytes,
            size_of,
        })
    }

    pub fn push(&mut self, record: T) -> Result<()> {
        self.gathered_bytes += std::mem::size_of::<T>() + (self.size_of)(&record);
        self.gathered.push(record);
        if self.gathered_bytes >= self.budget_bytes {
            self.write_run()?;
        }
        Ok(())
    }

    fn write_run(&mut self) -> Result<()> {
        if self.gathered.is_empty() {
            return Ok(());
        }
        self.gathered.sort_unstable();
        let start = self.spill.end();
        for record in self.gathered.drain(..) {
            self.spill.push(&record)?;
        }
        self.runs.push((start, self.spill.end()));
        self.gathered_bytes = 0;
        Ok(())
    }

    /// The runs written so far: how many times the budget filled.
    #[cfg(test)]
    fn runs(&self) -> usize {
        self.runs.len()
    }

    /// Every record pushed, in order (equal records in no particular order).
    pub fn sorted(mut self) -> Result<Sorted<T>> {
        // Records that fit in one budget need no file.
        if self.runs.is_empty() {
            self.gathered.sort_unstable();
            let in_memory = std::mem::take(&mut self.gathered).into_iter();
            return Ok(Sorted {
                spill: self.spill,
                source: Source::Memory(in_memory),
            });
        }
        self.write_run()?;
        self.spill.flush()?;
        Ok(Sorted {
            source: Source::Runs(self.runs),
            spill: self.spill,
        })
    }
}

/// The merged records of an [`ExternalSort`]; [`Sorted::iter`] reads them.
pub struct Sorted<T> {
    spill: Spill<T>,
    source: Source<T>,
}

enum Source<T> {
    Memory(std::vec::IntoIter<T>),
    Runs(Vec<(u64, u64)>),
}

impl<T: Ord + Serialize + DeserializeOwned> Sorted<T> {
    /// The records in order: a run's read error ends the iteration with it.
    pub fn iter(&mut self) -> Result<Merge<'_, T>> {
        match &mut self.source {
            Source::Memory(records) => Ok(Merge::Memory(records)),
            Source::Runs(ranges) => {
                let mut runs: Vec<SpillRecords<'_, T>> = ranges
                    .iter()
                    .map(|&(from, to)| self.spill.records(from, to))
                    .collect();
                let mut heads = BinaryHeap::with_capacity(runs.len());
                for (run, records) in runs.iter_mut().enumerate() {
                    if let Some(record) = records.next() {
                        heads.push(Reverse((record?.1, run)));
                    }
                }
                Ok(Merge::Runs { runs, heads })
            }
        }
    }
}

/// See [`Sorted::iter`].
pub enum Merge<'a, T> {
    Memory(&'a mut std::vec::IntoIter<T>),
    Runs {
        runs: Vec<SpillRecords<'a, T>>,
        /// The next record of each run not yet used up, smallest on top;
        /// the run's number breaks ties, so the merge is deterministic.
        heads: BinaryHeap<Reverse<(T, usize)>>,
    },
}

impl<T: Ord + Serialize + DeserializeOwned> Iterator for Merge<'_, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        match self {
            Merge::Memory(records) => records.next().map(Ok),
            Merge::Runs { runs, heads } => {
                let Reverse((record, run)) = heads.pop()?;
                match runs[run].next() {
                    Some(Ok((_, next))) => heads.push(Reverse((next, run))),
                    Some(Err(e)) => {
                        heads.clear();
                        return Some(Err(e));
                    }
                    None => {}
                }
                Some(Ok(record))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_with_budget(values: &[u32], budget_bytes: usize) -> (usize, Vec<u32>) {
        let dir = std::env::temp_dir().join(format!(
            "tarjama-external-sort-{}-{budget_bytes}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let mut sort = ExternalSort::create_in(&dir, "test", budget_bytes, |_| 0).unwrap();
        for &v in values {
            sort.push(v).unwrap();
        }
        let runs = sort.runs();
        let mut sorted = sort.sorted().unwrap();
        let out = sorted
            .iter()
            .unwrap()
            .collect::<Result<Vec<u32>>>()
            .unwrap();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no file left");
        std::fs::remove_dir(&dir).unwrap();
        (runs, out)
    }

    #[test]
    fn records_come_out_in_order_from_memory_or_from_many_runs() {
        let values: Vec<u32> = (0..1000u32)
            .map(|i| i.wrapping_mul(2_654_435_761) % 97)
            .collect();
        let mut expected = values.clone();
        expected.sort();
        let (runs, in_memory) = sorted_with_budget(&values, 1 << 20);
        assert_eq!((runs, &in_memory), (0, &expected));
        // Four bytes a record: a run every 10 records.
        let (runs, merged) = sorted_with_budget(&values, 40);
        assert_eq!((runs, &merged), (100, &expected));
    }
}
