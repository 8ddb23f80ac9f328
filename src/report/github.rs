//! `--format github`: one GitHub Actions workflow command per finding, which GitHub turns into
//! an annotation on the pull request's diff, then one plain summary line.
//!
//! ```text
//! ::error file=Actors/A.md,line=3,col=5,endLine=3,endColumn=12,title=vaultlint(broken-link)::Link target `X` does not match any note%0Ahelp: …
//! ```
//!
//! Note text reaches these lines (link targets, headings, file names), so everything is escaped
//! the way the runner unescapes it: in the message `%`, CR and LF; in properties also `:` and
//! `,`. A note can therefore never end the command early or start a line of its own, and so
//! never inject a workflow command (`::add-mask::`, `::stop-commands::`, a forged `::error::`).

use std::io::{self, Write};

use super::{Entry, Positions, entries, human};
use crate::engine::Run;

pub fn write(
    out: &mut dyn Write,
    run: &Run,
    positions: &Positions,
    prefix: &str,
) -> io::Result<()> {
    for entry in entries(run, positions) {
        match entry {
            Entry::Finding(i, f) => {
                let (start, end) = positions.of(i);
                let mut message = f.diagnostic.message.to_string();
                if let Some(help) = &f.diagnostic.help {
                    message.push_str("\nhelp: ");
                    message.push_str(help);
                }
                writeln!(
                    out,
                    "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                    f.severity.as_str(),
                    escape_property(&format!("{prefix}{}", f.path)),
                    start.line,
                    start.column,
                    end.line,
                    end.column,
                    escape_property(&format!("vaultlint({})", f.rule)),
                    escape_data(&message)
                )?;
            }
            Entry::Problem(p) => {
                let message = format!(
                    "{}\nhelp: Fix or remove the file; the rest of the vault was checked",
                    p.message
                );
                writeln!(
                    out,
                    "::error file={},title={}::{}",
                    escape_property(&format!("{prefix}{}", p.path)),
                    escape_property("vaultlint(unreadable-note)"),
                    escape_data(&message)
                )?;
            }
        }
    }
    // Plain text: shown in the log, never taken for a command (it cannot start with `::`).
    writeln!(out, "{}", human::summary(run))
}

/// Escapes a command's message as the runner expects: `%`, CR, LF.
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value (`file=…`, `title=…`): as a message, plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        let cases = [
            ("plain `x`", "plain `x`", "plain `x`"),
            ("50%", "50%25", "50%25"),
            ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
            (
                "%0A::error::x",
                "%250A::error::x",
                "%250A%3A%3Aerror%3A%3Ax",
            ),
            ("a,b:c", "a,b:c", "a%2Cb%3Ac"),
        ];
        for (input, data, property) in cases {
            assert_eq!(escape_data(input), data, "{input:?}");
            assert_eq!(escape_property(input), property, "{input:?}");
        }
    }
}
