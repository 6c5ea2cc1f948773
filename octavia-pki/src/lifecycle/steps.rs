//! A change's next steps as data: text, with the commands of this tool it
//! asks for as [`Invocation`]s (what to run, with the values the tool
//! knows), which the caller renders in its own syntax. The library composes
//! no command line: without a renderer, an invocation is said in words
//! ([`Invocation::describe`]).

use std::path::PathBuf;

use crate::ca::CaRole;
use crate::target::Target;

/// A command of this tool that a next step asks the operator to run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Invocation {
    /// Probe the running amphorae that `openstack loadbalancer amphora list
    /// -f json` lists (saved as `amphorae`) with the controllers' files of
    /// `target`, the history of `work_dir` flagging those created before a
    /// client CA change, the JSON report into `report` (else for a person).
    Probe {
        /// The controllers' files.
        target: Target,
        /// The CA work directory, whose history the probe reads.
        work_dir: Option<PathBuf>,
        /// The amphora list.
        amphorae: PathBuf,
        /// The JSON report, if one.
        report: Option<PathBuf>,
    },
    /// Report when the certificates of `target` and the deadlines the
    /// history of `work_dir` records expire.
    Expiry {
        /// The set.
        target: Target,
        /// Its CA work directory.
        work_dir: PathBuf,
    },
    /// Finish the staged rotation of `ca` of the set `target` (its work
    /// directory `work_dir`), the probe's `report` its evidence.
    FinishRotation {
        /// Which CA's rotation.
        ca: CaRole,
        /// The set.
        target: Target,
        /// Its CA work directory.
        work_dir: PathBuf,
        /// The probe's JSON report.
        report: PathBuf,
    },
}

impl Invocation {
    /// The invocation in words, for a caller that renders no command line.
    pub fn describe(&self) -> String {
        match self {
            Self::Probe {
                target,
                amphorae,
                report,
                ..
            } => format!(
                "probe the amphorae listed in {} with the controllers' files of {}{}",
                amphorae.display(),
                target,
                report
                    .as_ref()
                    .map(|r| format!(", the JSON report into {}", r.display()))
                    .unwrap_or_default()
            ),
            Self::Expiry { target, work_dir } => format!(
                "report when the certificates of {target} and the deadlines of {} expire",
                work_dir.display()
            ),
            Self::FinishRotation {
                ca,
                target,
                work_dir,
                report,
            } => format!(
                "finish the staged rotation of the {} of {} (work directory {}) with the probe's \
                 report {}",
                ca.words(),
                target,
                work_dir.display(),
                report.display()
            ),
        }
    }
}

/// One part of a next step.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// Words.
    Text(String),
    /// A command of this tool.
    Run(Invocation),
}

/// One next step: words, and the commands of this tool it asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NextStep(pub Vec<Part>);

impl NextStep {
    /// The step, each invocation rendered by `run`.
    pub fn render(&self, run: &dyn Fn(&Invocation) -> String) -> String {
        self.0
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.clone(),
                Part::Run(invocation) => run(invocation),
            })
            .collect()
    }

    /// Each text part with `from` replaced by `to`.
    pub(crate) fn replace(&mut self, from: &str, to: &str) {
        for part in &mut self.0 {
            if let Part::Text(text) = part {
                *text = text.replace(from, to);
            }
        }
    }
}

impl From<String> for NextStep {
    fn from(text: String) -> Self {
        Self(vec![Part::Text(text)])
    }
}

impl From<&str> for NextStep {
    fn from(text: &str) -> Self {
        text.to_owned().into()
    }
}
