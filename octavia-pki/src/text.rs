//! Text read from files or the network, made safe to print: a certificate
//! subject, an amphora id or a password's key may hold a newline (which
//! would add a line to a Nagios plugin's output, or fake its performance
//! data) or an escape sequence (which would drive the terminal).

use std::borrow::Cow;
use std::fmt::Write;

/// Characters that change how the text around them is shown without being
/// seen: the bidirectional controls (U+202E turns `exe.pdf` into
/// `fdp.exe`), the zero-width ones, and the separators that end a line in
/// some terminals and formats.
pub fn is_invisible_control(c: char) -> bool {
    matches!(c,
        '\u{061c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// Whether `c` is written as an escape by [`escape`].
pub fn needs_escape(c: char) -> bool {
    c.is_control() || is_invisible_control(c)
}

/// `text` with every control character (C0, DEL, C1: newlines, ESC...), every
/// invisible formatting control (bidirectional overrides such as U+202E,
/// zero-width characters, line and paragraph separators) and the backslash
/// written as an escape (`\n`, `\t`, `\\`, `\x1b`, `\u{9b}`, `\u{202e}`),
/// so that it prints on one line, reads as what it is, and nothing in it
/// reaches a terminal as a command. Text without any comes back as it is.
pub fn escape(text: &str) -> Cow<'_, str> {
    escaped(text, true)
}

/// As [`escape`], but a backslash stays as it is: for a format that
/// escapes backslashes itself (a Prometheus label value), where the value
/// must stay the text it was but for what cannot be shown.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    escaped(text, false)
}

fn escaped(text: &str, backslash: bool) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| needs_escape(c) || (backslash && c == '\\'))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\\' if backslash => out.push_str("\\\\"),
            c if (c as u32) < 0x80 && c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `word` quoted for a POSIX shell when it needs it (as Python's
/// `shlex.quote`): a command line the tool suggests can be pasted as is.
pub fn shell_quote(word: &str) -> Cow<'_, str> {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        return Cow::Borrowed(word);
    }
    Cow::Owned(format!("'{}'", word.replace('\'', "'\"'\"'")))
}

/// `path` as one shell word, for a command printed to be run as it is.
pub fn shell_path(path: &std::path::Path) -> String {
    shell_quote(&path.to_string_lossy()).into_owned()
}

/// When something comes, `left` from now, in words: `in 3 days`, `in 1
/// day`, `in less than a day`, `1 day ago`; never "in 0 days" with hours left.
pub fn in_days(left: time::Duration) -> String {
    let days = left.whole_days();
    let unit = |n: i64| if n == 1 { "day" } else { "days" };
    if left.is_negative() {
        let ago = (-left).whole_days();
        if ago == 0 {
            "less than a day ago".to_owned()
        } else {
            format!("{ago} {} ago", unit(ago))
        }
    } else if days == 0 {
        "in less than a day".to_owned()
    } else {
        format!("in {days} {}", unit(days))
    }
}

/// `n` and a noun, in the singular for one: `1 amphora`, `2 amphorae`.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_plain_text_is_untouched() {
        assert_eq!(escape("CN=a.example.org"), "CN=a.example.org");
        assert_eq!(
            escape("CN=x\n| days_left_min=999\x1b[2J\u{9b}"),
            "CN=x\\n| days_left_min=999\\x1b[2J\\u{9b}"
        );
        assert_eq!(escape("a\\nb"), "a\\\\nb");
        // What reorders or hides text on a terminal is shown, not obeyed.
        assert_eq!(
            escape("CN=evil\u{202e}fdp.exe\u{200b}\u{2028}"),
            "CN=evil\\u{202e}fdp.exe\\u{200b}\\u{2028}"
        );
        assert_eq!(
            escape("CN=serveur-ca.exemple.fr é"),
            "CN=serveur-ca.exemple.fr é"
        );
    }

    #[test]
    fn days_are_said_as_people_say_them() {
        use time::Duration;
        assert_eq!(in_days(Duration::hours(23)), "in less than a day");
        assert_eq!(in_days(Duration::hours(25)), "in 1 day");
        assert_eq!(in_days(Duration::days(9)), "in 9 days");
        assert_eq!(in_days(-Duration::hours(3)), "less than a day ago");
        assert_eq!(in_days(-Duration::days(2)), "2 days ago");
        assert_eq!(count(1, "amphora", "amphorae"), "1 amphora");
        assert_eq!(count(0, "error", "errors"), "0 errors");
    }

    #[test]
    fn shell_words_are_quoted_as_shlex_does() {
        assert_eq!(shell_quote("/etc/kolla/config"), "/etc/kolla/config");
        assert_eq!(shell_quote("my dir"), "'my dir'");
        assert_eq!(shell_quote("it's"), "'it'\"'\"'s'");
        assert_eq!(shell_quote(""), "''");
    }
}
