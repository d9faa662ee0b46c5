//! Telegram HTML: answers and fixed text from [`crate::chat::reply`] escaped and wrapped in
//! Telegram's tags, then packed into messages within Telegram's length limit (counted as
//! Telegram counts it), split at sentence or word boundaries when a block is too long. The
//! bot's own words come in the chat's language (right-to-left ones with their marks, from
//! `reply`); quotes are escaped and nothing else.

use teloxide::utils::html::escape;

use crate::chat::Response;
use crate::chat::lang::Lang;
use crate::chat::reply::{self, Fixed};
use crate::corpus::unwrapped;
use crate::engine::faq::MessageLimit;
use crate::engine::{Answer, Quote};

/// Telegram's limit on one message, in UTF-16 code units after entity parsing.
pub const TELEGRAM_LIMIT: usize = 4096;

/// A response as Telegram HTML messages in `lang`, each within [`TELEGRAM_LIMIT`], never
/// empty.
pub fn response_html(response: &Response, lang: Lang) -> Vec<String> {
    match response {
        Response::Text(text) | Response::LanguageOptions(text) | Response::ArticleOptions(text) => {
            text_html(text, lang)
        }
        Response::Answer(answer) => answer_html(answer, lang),
        Response::UnknownCommand => text_html(&Fixed::UnknownCommand.text(lang), lang),
    }
}

/// Fixed text (in `lang`) as Telegram HTML messages (escaped, split to fit), never empty.
pub fn text_html(text: &str, lang: Lang) -> Vec<String> {
    pack(vec![escape(text)], lang)
}

/// Telegram's limit on one message, for the FAQ loader: a rule's answer must fit one message.
pub struct TelegramLimit;

impl MessageLimit for TelegramLimit {
    fn exceeded(&self, answer: &Answer) -> Option<String> {
        // A rule's answer holds no words of the bot's: its length is the same in every language.
        let messages = answer_html(answer, Lang::En);
        (messages.len() > 1).then(|| {
            let length: usize = messages.iter().map(|m| telegram_len(m)).sum();
            format!(
                "the answer is {length} characters as Telegram counts them, over the \
                 {TELEGRAM_LIMIT}-character limit of one message"
            )
        })
    }
}

/// An answer as Telegram HTML messages, each within [`TELEGRAM_LIMIT`], never empty: the
/// quotes as the article has them (escaped), the bot's words in `lang`.
pub fn answer_html(answer: &Answer, lang: Lang) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    match answer {
        Answer::Article(quotes) => {
            let groups = reply::by_article(quotes);
            if groups.len() < 2 {
                blocks.extend(quotes.iter().map(quote_html));
                blocks.push(source_html(quotes, lang));
            }
            // Quotes of several articles: each article's under its title.
            for (title, quotes) in groups.iter().filter(|_| groups.len() > 1) {
                blocks.push(format!(
                    "<b>{}</b>",
                    escape(&reply::group_line(title, lang))
                ));
                blocks.extend(quotes.iter().map(|quote| quote_html(quote)));
            }
        }
        Answer::Faq(faq) => {
            blocks.push(escape(faq.text.trim()));
            for quote in &faq.quotes {
                blocks.push(quote_html(quote));
            }
        }
        Answer::NotFound(why) => blocks.push(escape(&Fixed::refusal(*why).text(lang))),
    }
    pack(blocks, lang)
}

/// The line naming the articles `quotes` come from, in `lang`.
pub fn source_html(quotes: &[Quote], lang: Lang) -> String {
    format!("<i>{}</i>", escape(&reply::from_line(quotes, lang)))
}

/// One quote: the sentence in a blockquote, then its ¶ number.
pub fn quote_html(quote: &Quote) -> String {
    format!(
        "<blockquote>{}</blockquote>¶{}",
        escape(&unwrapped(&quote.text)),
        quote.paragraph
    )
}

/// Length of a message as Telegram counts it: UTF-16 code units of the visible text (HTML
/// tags removed, entities counted as one character).
pub fn telegram_len(html: &str) -> usize {
    let mut len = 0;
    let mut chars = html.chars();
    while let Some(c) = chars.next() {
        match c {
            '<' => {
                for c in chars.by_ref() {
                    if c == '>' {
                        break;
                    }
                }
            }
            '&' => {
                for c in chars.by_ref() {
                    if c == ';' {
                        break;
                    }
                }
                len += 1;
            }
            c => len += c.len_utf16(),
        }
    }
    len
}

/// The text a user sees in Telegram HTML the bot wrote: tags removed (the end of a block
/// quote, a block of its own, becomes a line break), `&lt;`, `&gt;`, `&quot;` and `&amp;`
/// read back (every `<` in the bot's HTML starts a tag, as in [`telegram_len`]). Sent as
/// plain text when Telegram refuses the HTML.
pub fn visible_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        text.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with('<') {
            if tail.starts_with("</blockquote>") {
                text.push('\n');
            }
            rest = tail.find('>').map_or("", |end| &tail[end + 1..]);
            continue;
        }
        let entity = [
            ("&lt;", '<'),
            ("&gt;", '>'),
            ("&quot;", '"'),
            ("&amp;", '&'),
        ]
        .into_iter()
        .find(|(name, _)| tail.starts_with(name));
        match entity {
            Some((name, c)) => {
                text.push(c);
                rest = &tail[name.len()..];
            }
            None => {
                text.push('&');
                rest = &tail[1..];
            }
        }
    }
    text.push_str(rest);
    text
}

/// Packs HTML blocks into as few messages as fit the limit, joined by blank lines. A block
/// too long on its own is split at sentence or word boundaries of its text. No text at all
/// becomes the article does not say, in `lang`.
pub fn pack(blocks: Vec<String>, lang: Lang) -> Vec<String> {
    let mut messages: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    for block in blocks {
        let block_len = telegram_len(&block);
        let pieces = if block_len <= TELEGRAM_LIMIT {
            vec![(block, block_len)]
        } else {
            split_block(&block)
                .into_iter()
                .map(|p| {
                    let len = telegram_len(&p);
                    (p, len)
                })
                .collect()
        };
        for (piece, len) in pieces {
            if !current.is_empty() && current_len + 2 + len > TELEGRAM_LIMIT {
                messages.push(std::mem::take(&mut current));
                current_len = 0;
            }
            if !current.is_empty() {
                current.push_str("\n\n");
                current_len += 2;
            }
            current.push_str(&piece);
            current_len += len;
        }
    }
    if !current.trim().is_empty() {
        messages.push(current);
    }
    if messages.is_empty() {
        messages.push(escape(&Fixed::NotFound.text(lang)));
    }
    messages
}

/// Splits one over-long block (`<tag>text</tag>suffix` or plain escaped text) into pieces
/// within the limit, cutting between sentences, else between words, else between characters,
/// and never inside an HTML entity; each piece keeps the block's wrapping tag.
fn split_block(block: &str) -> Vec<String> {
    let (open, inner, close) = match (block.find('>'), block.starts_with('<')) {
        (Some(end), true) => match block.rfind("</") {
            Some(start) if start > end => (&block[..=end], &block[end + 1..start], &block[start..]),
            _ => ("", block, ""),
        },
        _ => ("", block, ""),
    };
    let budget = TELEGRAM_LIMIT - telegram_len(open) - telegram_len(close) - 8;
    let mut pieces = Vec::new();
    let mut rest = inner;
    while telegram_len(rest) > budget {
        let cut = cut_point(rest, budget);
        pieces.push(format!("{open}{}{close}", rest[..cut].trim_end()));
        rest = rest[cut..].trim_start();
    }
    if !rest.is_empty() {
        pieces.push(format!("{open}{rest}{close}"));
    }
    pieces
}

/// A byte offset in `text` where the prefix fits `budget` Telegram characters, preferring a
/// sentence end, then a space; never inside an entity (`&amp;`) or a character.
fn cut_point(text: &str, budget: usize) -> usize {
    let mut len = 0;
    let mut last_fit = 0;
    let mut last_space = None;
    let mut last_sentence = None;
    let mut in_entity = false;
    let mut prev = ' ';
    for (i, c) in text.char_indices() {
        if !in_entity {
            if c == ' ' {
                last_space = Some(i);
                if matches!(prev, '.' | '?' | '!') {
                    last_sentence = Some(i);
                }
            }
            last_fit = i;
        }
        match c {
            '&' => {
                in_entity = true;
                len += 1;
            }
            ';' if in_entity => in_entity = false,
            _ if in_entity => {}
            c => len += c.len_utf16(),
        }
        if len > budget {
            break;
        }
        prev = c;
    }
    last_sentence
        .filter(|&i| i > budget / 2)
        .or(last_space.filter(|&i| i > budget / 4))
        .unwrap_or(last_fit)
        .max(text.chars().next().map_or(1, char::len_utf8))
}

/// A whole paragraph as Telegram HTML messages (its number, its article's title and the
/// paragraph as the article has it; `lang` only for the never-empty fallback of [`pack`]).
pub fn paragraph_html(title: &str, number: usize, text: &str, lang: Lang) -> Vec<String> {
    pack(
        vec![
            format!("<b>¶{number}</b> <i>{}</i>", escape(title)),
            format!("<blockquote>{}</blockquote>", escape(&unwrapped(text))),
        ],
        lang,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::reply::Plain;
    use crate::engine::answer::Abstention;

    const EN: Lang = Lang::En;

    fn quote(text: &str) -> Quote {
        Quote {
            text: text.to_string(),
            article: "a".into(),
            title: "A <b>title</b>".into(),
            paragraph: 3,
            sentence: 1,
            score: 1.0,
        }
    }

    #[test]
    fn html_escapes_article_and_title_text() {
        let answer = Answer::Article(vec![quote("1 < 2 & <b>bold</b>")]);
        let html = answer_html(&answer, EN).join("");
        assert!(
            html.contains("1 &lt; 2 &amp; &lt;b&gt;bold&lt;/b&gt;"),
            "{html}"
        );
        assert!(html.contains("A &lt;b&gt;title&lt;/b&gt;"));
        assert!(!html.contains("<b>"));
    }

    #[test]
    fn long_answers_are_split_within_the_limit_at_sentence_boundaries() {
        let sentence = "This sentence is about fifty characters long, ok. ";
        let long = sentence.repeat(200);
        let answer = Answer::Article(vec![quote(long.trim()), quote("Short & sweet.")]);
        let messages = answer_html(&answer, EN);
        assert!(messages.len() >= 3, "{}", messages.len());
        for m in &messages {
            assert!(telegram_len(m) <= TELEGRAM_LIMIT, "{}", telegram_len(m));
            assert!(!m.trim().is_empty());
            assert_eq!(
                m.matches("<blockquote>").count(),
                m.matches("</blockquote>").count()
            );
        }
        let first = messages[0].trim_end_matches("</blockquote>¶3");
        assert!(first.ends_with("ok."), "{}", &first[first.len() - 60..]);
    }

    #[test]
    fn splitting_never_cuts_an_entity_or_a_character() {
        let long = "&<é🙂".repeat(3000);
        for m in pack(vec![escape(&long)], EN) {
            assert!(telegram_len(&m) <= TELEGRAM_LIMIT);
            assert!(!m.ends_with('&') && !m.contains("&a;"));
        }
    }

    #[test]
    fn escaping_covers_what_telegram_html_text_needs() {
        // teloxide's escape leaves `"` as it is: Telegram reads it fine in text, and no
        // user text is ever put into an attribute.
        let html = text_html(r#"1 < 2 & "3" > 0"#, EN);
        assert_eq!(html, [r#"1 &lt; 2 &amp; "3" &gt; 0"#]);
        assert_eq!(telegram_len(&html[0]), r#"1 < 2 & "3" > 0"#.len());
    }

    #[test]
    fn visible_text_strips_tags_and_reads_entities_back() {
        let html =
            "<b>¶4</b> <blockquote>1 &lt; 2 &amp;&amp; &quot;x&quot; &gt; 0 & so</blockquote>";
        assert_eq!(visible_text(html), "¶4 1 < 2 && \"x\" > 0 & so\n");
        assert_eq!(
            visible_text("<blockquote>It rained.</blockquote>¶4"),
            "It rained.\n¶4"
        );
        assert_eq!(visible_text("&amp;lt;"), "&lt;");
        assert_eq!(visible_text("unclosed <b"), "unclosed ");
        let answer = Answer::Article(vec![quote("1 < 2 & <b>bold</b>")]);
        let plain = visible_text(&answer_html(&answer, EN).join(""));
        assert!(plain.contains("1 < 2 & <b>bold</b>"), "{plain}");
    }

    #[test]
    fn quotes_of_two_articles_stand_under_their_escaped_titles() {
        let mut other = quote("Rain & wind.");
        other.article = "b".into();
        other.title = "Weather <today>".into();
        other.paragraph = 1;
        let mut first = quote("It rained.");
        first.paragraph = 1;
        let answer = Answer::Article(vec![first, other]);
        let html = answer_html(&answer, EN);
        assert_eq!(
            html,
            [
                "<b>From “A &lt;b&gt;title&lt;/b&gt;”:</b>\n\n<blockquote>It rained.</blockquote>¶1\n\n\
              <b>From “Weather &lt;today&gt;”:</b>\n\n<blockquote>Rain &amp; wind.</blockquote>¶1"
            ]
        );
        assert!(!html[0].contains("— from"), "{html:?}");
    }

    #[test]
    fn telegram_length_counts_utf16_units_without_tags() {
        assert_eq!(telegram_len("<b>a</b>&amp;🙂"), 1 + 1 + 2);
    }

    #[test]
    fn abstention_is_never_empty() {
        let why = [
            (Abstention::NoTerms, Fixed::NotFound),
            (Abstention::NoMatch, Fixed::NotFound),
            (Abstention::LowCoverage, Fixed::NotFound),
            (Abstention::Unsaid, Fixed::NotFound),
            (Abstention::NoNumber, Fixed::NotFound),
            (Abstention::NoDate, Fixed::NotFound),
            (Abstention::UnknownScript, Fixed::UnknownScript),
        ];
        for (why, fixed) in why {
            let answer = Answer::NotFound(why);
            for lang in Lang::ALL {
                let said = fixed.text(lang);
                assert!(!said.is_empty());
                assert_eq!(answer_html(&answer, lang), vec![escape(&said)]);
                assert_eq!(Plain(&answer, lang).to_string(), said);
            }
        }
    }

    #[test]
    fn arabic_answers_quote_the_article_verbatim_and_mark_only_the_bots_words() {
        let answer = Answer::Article(vec![quote(
            "Bogdanov led the delegation & met <officials>.",
        )]);
        let html = answer_html(&answer, Lang::Ar).join("\n\n");
        assert!(
            html.contains(
                "<blockquote>Bogdanov led the delegation &amp; met &lt;officials&gt;.</blockquote>¶3"
            ),
            "{html}"
        );
        assert!(
            html.contains("<i>\u{200F}— من \u{2068}“A &lt;b&gt;title&lt;/b&gt;”\u{2069}</i>"),
            "{html}"
        );
        let english = answer_html(&answer, EN).join("");
        assert!(
            english.ends_with("<i>— from “A &lt;b&gt;title&lt;/b&gt;”</i>"),
            "{english}"
        );
    }
}
