//! `check_dir` (rehearsal included) over a directory synthesized from the
//! input: up to four files of the kolla layout, separated by a marker line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use octavia_pki::check::{CheckOptions, check_dir};
use octavia_pki::{Layout, Passphrase, Sources};

const MARKER: &[u8] = b"\n--8<--\n";
/// The seeds come from testdata/kolla-recipe, encrypted with this.
const PASSPHRASE: &str = "fixture-passphrase-not-a-secret";

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let mut rest = data;
    let sources = Sources::of_layout(dir.path(), Layout::Kolla);
    for path in sources.paths() {
        if rest.is_empty() {
            break;
        }
        let end = rest
            .windows(MARKER.len())
            .position(|w| w == MARKER)
            .unwrap_or(rest.len());
        std::fs::write(path, &rest[..end]).unwrap();
        rest = &rest[(end + MARKER.len()).min(rest.len())..];
    }
    let options = {
        let mut options = CheckOptions::default();
        options.passphrase = Some(Passphrase::new(PASSPHRASE.to_owned()));
        options
    };
    // The directory exists and is readable: check_dir must report, not fail.
    check_dir(dir.path(), &options).expect("check_dir reports every problem as a finding");
});
