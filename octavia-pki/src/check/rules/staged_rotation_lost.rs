//! `staged-rotation-lost`: the history records a staged server CA rotation in
//! flight, and `server_ca` no longer holds the CA it replaced.

use super::{Applies, Context, Hit, Role, Rule, Set};
use crate::codes::check as codes;

pub(crate) const RULE: Rule = Rule {
    code: codes::STAGED_ROTATION_LOST,
    applies: Applies::Set(lost),
};

fn lost(set: &Set<'_>, cx: &Context<'_>) -> Option<Hit> {
    let entry = crate::history::server_ca_rotation_lost(cx.history?, set.server_ca?, cx.now)?;
    let history = cx
        .files
        .work_dir
        .as_deref()
        .map(|w| format!(" ({})", crate::history::history_file(w).display()))
        .unwrap_or_default();
    Some(Hit::new(
        Role::ServerCa,
        format!(
            "the history{history} records a staged rotation of the server CA from \"{}\" at {}, \
             not finished, but this file no longer holds that CA: the controllers refuse every \
             amphora issued before the rotation",
            entry.subject, entry.at
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::fixture::*;
    use super::*;
    use crate::ca::CaRole;
    use crate::history::{Action, HistoryEntry};

    #[test]
    fn only_a_staged_rotation_in_flight_whose_old_ca_is_gone_fires() {
        let loaded = load("good-staged-server-ca");
        let certs = loaded.server_certs.clone().unwrap();
        let (new, old) = (&certs[0], &certs[1]);
        let judge = |history: &[HistoryEntry], file: &[crate::cert::Certificate]| {
            let mut cx = context(&loaded.sources);
            cx.history = Some(history);
            let set = Set {
                server_ca: Some(file),
                ..loaded.view()
            };
            lost(&set, &cx).map(|h| h.message)
        };
        let at = time::OffsetDateTime::now_utc();
        let staged = HistoryEntry::new(Action::Staged(CaRole::ServerCa), old, new, None, at);
        let only_new = std::slice::from_ref(new);
        // In flight, the old CA kept: quiet.
        assert_eq!(judge(std::slice::from_ref(&staged), &certs), None);
        // In flight, the old CA dropped: fires, naming it.
        let message = judge(std::slice::from_ref(&staged), only_new).unwrap();
        assert!(message.contains(old.subject()), "{message}");
        // Finished, or no history: nothing to keep.
        let finished = HistoryEntry::new(Action::Finish(CaRole::ServerCa), old, new, None, at);
        assert_eq!(judge(&[staged, finished], only_new), None);
        assert_eq!(judge(&[], only_new), None);
    }
}
