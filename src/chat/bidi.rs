//! Right-to-left text (Arabic) shown as it should be: the bot's texts get Unicode's
//! bidirectional marks (UAX #9) so Telegram lays them out right to left, with left-to-right
//! fragments (`/help`, `Ctrl-D`, an English title) kept whole and in their place.
//!
//! Each line starts with a RIGHT-TO-LEFT MARK, so a line that begins with a command, a
//! bullet or a title is still a right-to-left paragraph; each left-to-right word among
//! right-to-left words is wrapped in LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE, so a
//! command's `/` stays at its start (`/help`, not `help/`) and sentence punctuation after it
//! stays in the sentence; a text from the articles or the person (a title, a question) is
//! wrapped whole in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE by [`isolate`] (Fluent
//! does the same around the placeables of a right-to-left message), and left as it is
//! inside. The marks are invisible; the words are never changed.

/// RIGHT-TO-LEFT MARK: makes the paragraph it starts right to left.
pub const RLM: char = '\u{200F}';
/// LEFT-TO-RIGHT ISOLATE: starts a left-to-right run set apart from its surroundings.
pub const LRI: char = '\u{2066}';
/// RIGHT-TO-LEFT ISOLATE.
pub const RLI: char = '\u{2067}';
/// FIRST STRONG ISOLATE: an isolated run whose direction its first letter decides.
pub const FSI: char = '\u{2068}';
/// POP DIRECTIONAL ISOLATE: ends the isolate begun last.
pub const PDI: char = '\u{2069}';

/// `text` without control characters and without the marks that change the direction of
/// what follows (embeddings, overrides, isolates, RLM/LRM/ALM): what someone typed, safe to
/// repeat inside the bot's own line.
pub fn without_controls(text: &str) -> String {
    let directional = |c: char| matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    text.chars()
        .filter(|&c| !c.is_control() && !directional(c))
        .collect()
}

/// `text` wrapped in FSI … PDI: a text from elsewhere (an article title, an example
/// question) keeps its own direction inside a right-to-left text.
pub fn isolate(text: &str) -> String {
    format!("{FSI}{text}{PDI}")
}

/// A right-to-left text (the bot's own, already in its language) with the marks the module
/// describes: an RLM at the start of every line that lacks one, and LRI … PDI around each
/// left-to-right word outside the isolates it already has. Applying it twice changes
/// nothing more.
pub fn right_to_left(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !line.starts_with(RLM) {
            out.push(RLM);
        }
        isolate_ltr_words(line, &mut out);
    }
    out
}

/// Copies `line` to `out`, wrapping each left-to-right run (see [`ltr_run`]) outside an
/// isolate in LRI … PDI.
fn isolate_ltr_words(line: &str, out: &mut String) {
    let mut depth = 0usize;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        match c {
            LRI | RLI | FSI => depth += 1,
            PDI => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0
            && let Some(run) = ltr_run(rest)
        {
            out.push(LRI);
            out.push_str(run);
            out.push(PDI);
            rest = &rest[run.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
}

/// The left-to-right run at the start of `text`, if one starts there: left-to-right words
/// (runs of characters that are neither spaces, right-to-left letters nor directional
/// marks, holding a left-to-right letter) with what stands between them, up to the last
/// such word before a right-to-left letter or the end. A run does not start with an opening
/// bracket or quote, nor end with sentence punctuation or a closing one, so those stay with
/// the right-to-left text around it (`(/help).` gives `/help`; `.env`, `Ctrl-D` and
/// `/quit or Ctrl-D` stay whole).
fn ltr_run(text: &str) -> Option<&str> {
    if text.starts_with(is_opening) {
        return None;
    }
    let mut end = None;
    let mut at = 0;
    loop {
        let rest = &text[at..];
        let token = rest
            .find(|c: char| c.is_whitespace() || is_rtl(c) || is_mark(c))
            .map_or(rest, |i| &rest[..i]);
        let word = token.trim_end_matches(is_closing);
        if word.chars().any(is_ltr_letter) {
            end = Some(at + word.len());
        } else if end.is_none() {
            return None;
        }
        at += token.len();
        at += text[at..].len() - text[at..].trim_start().len();
        match text[at..].chars().next() {
            Some(c) if !is_rtl(c) && !is_mark(c) => {}
            _ => break,
        }
    }
    end.map(|end| &text[..end])
}

/// Brackets and quotes that open.
fn is_opening(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '«' | '“' | '‘' | '"' | '\'')
}

/// Punctuation that ends a word rather than belongs to it.
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ':' | ';' | '!' | '?' | '…' | ')' | ']' | '}' | '»' | '”' | '’' | '"' | '\''
    )
}

/// A letter of a left-to-right script (Latin, Cyrillic, Greek…).
fn is_ltr_letter(c: char) -> bool {
    c.is_alphabetic() && !is_rtl(c)
}

/// A character of a right-to-left script's blocks (Hebrew, Arabic, Syriac, Thaana, N'Ko and
/// their presentation forms), Arabic punctuation and digits included.
fn is_rtl(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{08FF}'
        | '\u{FB1D}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}'
        | '\u{10800}'..='\u{10FFF}'
        | '\u{1E800}'..='\u{1EFFF}')
}

/// A directional mark or isolate (never part of a word).
fn is_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | RLM | '\u{202A}'..='\u{202E}' | LRI..=PDI)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text with its marks made visible.
    fn shown(text: &str) -> String {
        text.replace(RLM, "<RLM>")
            .replace(LRI, "<LRI>")
            .replace(FSI, "<FSI>")
            .replace(PDI, "<PDI>")
    }

    #[test]
    fn left_to_right_words_are_isolated_and_lines_start_right_to_left() {
        for (text, marked) in [
            ("أرسل /help لترى.", "<RLM>أرسل <LRI>/help<PDI> لترى."),
            ("أو أرسل /help.", "<RLM>أو أرسل <LRI>/help<PDI>."),
            ("/start — التحية", "<RLM><LRI>/start<PDI> — التحية"),
            (
                "ضع .env هنا (README).",
                "<RLM>ضع <LRI>.env<PDI> هنا (<LRI>README<PDI>).",
            ),
            ("اضغط Ctrl-D،", "<RLM>اضغط <LRI>Ctrl-D<PDI>،"),
            (
                "/quit أو Ctrl-D",
                "<RLM><LRI>/quit<PDI> أو <LRI>Ctrl-D<PDI>",
            ),
            (
                "ضع TELOXIDE_TOKEN=<token> في",
                "<RLM>ضع <LRI>TELOXIDE_TOKEN=<token><PDI> في",
            ),
            (
                "(Type a question, /help.)",
                "<RLM>(<LRI>Type a question, /help<PDI>.)",
            ),
            ("سطر\nآخر", "<RLM>سطر\n<RLM>آخر"),
            ("¶4 — 15", "<RLM>¶4 — 15"),
            ("", "<RLM>"),
        ] {
            assert_eq!(shown(&right_to_left(text)), marked, "{text:?}");
        }
    }

    #[test]
    fn text_inside_an_isolate_is_left_as_it_is() {
        let title = isolate("“Putin holds a call”");
        let text = format!("أجيب عن {title} الآن");
        assert_eq!(
            shown(&right_to_left(&text)),
            "<RLM>أجيب عن <FSI>“Putin holds a call”<PDI> الآن"
        );
    }

    #[test]
    fn marking_twice_changes_nothing_more() {
        let text = "أرسل /help أو /ask سؤالك.\n• Who led it?";
        let once = right_to_left(text);
        assert_eq!(right_to_left(&once), once);
        assert_eq!(once.replace([RLM, LRI, PDI], ""), text, "the words changed");
    }
}
