//! The reports in the order the targets were given, whatever order the
//! amphorae answer in. A report done before its turn waits in memory, up to
//! [`IN_MEMORY`] of them, then on disk (a temporary file, unlinked at once):
//! an amphora that takes its whole timeout ahead of thousands that answer at
//! once costs a few bytes of memory for each of them, never a report.

use std::collections::BTreeMap;
use std::fs::File;
use std::os::unix::fs::FileExt;

use super::report::AmphoraReport;
use crate::error::{Error, Result};

/// How many reports wait in memory for their turn: with the default
/// concurrency, the few dozen done before the slowest one in flight.
const IN_MEMORY: usize = 1024;

/// Reports waiting for their turn.
pub(super) struct Reorder {
    /// The index of the next report to hand over.
    next: usize,
    waiting: BTreeMap<usize, AmphoraReport>,
    on_disk: Option<OnDisk>,
}

/// Reports waiting on disk: each as JSON, at an offset and length.
struct OnDisk {
    file: File,
    end: u64,
    at: BTreeMap<usize, (u64, usize)>,
}

impl Reorder {
    pub(super) fn new() -> Self {
        Self {
            next: 0,
            waiting: BTreeMap::new(),
            on_disk: None,
        }
    }

    /// Takes the report of the target at `index`, and hands every report
    /// whose turn has come to `deliver`, in order.
    pub(super) fn push(
        &mut self,
        index: usize,
        report: AmphoraReport,
        deliver: &mut dyn FnMut(AmphoraReport) -> Result<()>,
    ) -> Result<()> {
        if index != self.next {
            return self.hold(index, report);
        }
        deliver(report)?;
        self.next += 1;
        while let Some(report) = self.take(self.next)? {
            deliver(report)?;
            self.next += 1;
        }
        Ok(())
    }

    /// How many reports are waiting (none once every target is done).
    pub(super) fn waiting(&self) -> usize {
        self.waiting.len() + self.on_disk.as_ref().map_or(0, |d| d.at.len())
    }

    fn hold(&mut self, index: usize, report: AmphoraReport) -> Result<()> {
        if self.waiting.len() < IN_MEMORY {
            self.waiting.insert(index, report);
            return Ok(());
        }
        let cannot = |e: &dyn std::fmt::Display| {
            Error::Local(format!(
                "cannot hold the reports of amphorae that answered before an earlier one: {e}"
            ))
        };
        let on_disk = match &mut self.on_disk {
            Some(on_disk) => on_disk,
            None => self.on_disk.insert(OnDisk {
                file: tempfile::tempfile().map_err(|e| cannot(&e))?,
                end: 0,
                at: BTreeMap::new(),
            }),
        };
        let json = serde_json::to_vec(&report).map_err(|e| cannot(&e))?;
        on_disk
            .file
            .write_all_at(&json, on_disk.end)
            .map_err(|e| cannot(&e))?;
        on_disk.at.insert(index, (on_disk.end, json.len()));
        on_disk.end += json.len() as u64;
        Ok(())
    }

    fn take(&mut self, index: usize) -> Result<Option<AmphoraReport>> {
        if let Some(report) = self.waiting.remove(&index) {
            return Ok(Some(report));
        }
        let Some(on_disk) = &mut self.on_disk else {
            return Ok(None);
        };
        let Some((offset, len)) = on_disk.at.remove(&index) else {
            return Ok(None);
        };
        let cannot = |e: &dyn std::fmt::Display| {
            Error::Local(format!(
                "cannot read back the report of an amphora held on disk: {e}"
            ))
        };
        let mut json = vec![0; len];
        on_disk
            .file
            .read_exact_at(&mut json, offset)
            .map_err(|e| cannot(&e))?;
        let mut report: AmphoraReport = serde_json::from_slice(&json).map_err(|e| cannot(&e))?;
        // The fix is the status's (it is not read back).
        report.fix = report.status.info().fix;
        Ok(Some(report))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::Target;

    #[test]
    fn reports_come_out_in_order_through_memory_and_disk() {
        let count = 3 * IN_MEMORY;
        let report = |i: usize| {
            let target = Target::new(Some(format!("amphora-{i}")), format!("192.0.2.{}", i % 250));
            let mut report = AmphoraReport::new(&target);
            report.set(crate::codes::probe::CONNECT_REFUSED, format!("refused {i}"));
            report
        };
        let mut reorder = Reorder::new();
        let mut out = Vec::new();
        // The first one last: every other waits for it.
        for i in (1..count).chain([0]) {
            reorder
                .push(i, report(i), &mut |r| {
                    out.push(r);
                    Ok(())
                })
                .unwrap();
            if i != 0 {
                assert!(out.is_empty());
            }
        }
        assert_eq!(reorder.waiting(), 0);
        assert_eq!(out.len(), count);
        for (i, r) in out.iter().enumerate() {
            assert_eq!(
                r.amphora_id.as_deref(),
                Some(format!("amphora-{i}").as_str())
            );
            assert_eq!(r.message, format!("refused {i}"));
            assert_eq!(r.fix, crate::codes::probe::CONNECT_REFUSED.info().fix);
        }
    }
}
