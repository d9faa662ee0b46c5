//! All text the bot says to people, in one place: answers, abstentions, greetings, help,
//! button labels, notices and errors, as plain text in the chat's language ([`Lang`]),
//! rendered with `Display` or returned as a `String`. The words are Fluent messages in
//! `src/chat/locales/<code>.ftl` ([`crate::chat::l10n`]); this module puts them together with
//! what comes from the articles (titles, example questions, quotes). Front ends add their own
//! markup around it (Telegram's HTML is in `app::telegram::html`).
//!
//! Quotes from the articles are never translated or marked: they stay exactly as the article
//! has them. In a right-to-left language (Arabic) the bot's own texts get the marks of
//! [`crate::chat::bidi`], and what comes from the articles inside them is isolated whole.

use std::borrow::Cow;
use std::fmt::{self, Display, Write as _};

use crate::chat::bidi;
use crate::chat::l10n::{Args, Id, tr};
use crate::chat::lang::{Choice, Lang};
use crate::chat::{COMMANDS, CommandInfo};
use crate::corpus::Corpus;
use crate::corpus::unwrapped;
use crate::engine::{Abstention, Answer, Quote};

/// A text of the bot that takes no arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixed {
    /// The article does not answer (a chat's reply).
    NotFound,
    /// The article does not answer, in a few words (`article-qa ask`, inline results).
    NotFoundShort,
    /// The question is in a script the bot cannot read (a chat's reply).
    UnknownScript,
    /// The same in a few words (inline results).
    UnknownScriptShort,
    /// Inline mode: the title of the one result when the article does not answer.
    InlineNotFound,
    /// Inline mode: the description under an answer from the FAQ rules.
    InlineFaq,
    /// `/reset` done.
    Reset,
    /// `/reset` while the conversation store (Redis) cannot be reached.
    NoMemory,
    /// `/article N` while the conversation store (Redis) cannot be reached.
    NoMemoryArticle,
    /// Label of the button that shows more sentences.
    MoreButton,
    /// Label of the button that shows the whole paragraph.
    ParagraphButton,
    /// Label of the button under an answer that opens the article's web page.
    ReadArticleButton,
    /// Label of the button under `/articles` that asks about every article.
    AllArticlesButton,
    /// A "More" press when everything relevant has been shown.
    NothingMore,
    /// A press on a button of an older answer.
    StaleButton,
    /// A press on a button that is not valid here (forged, or from another chat).
    InvalidButton,
    /// A command the bot does not know (or does not offer to this person).
    UnknownCommand,
    /// `/reload` when no FAQ rules file is configured.
    NoFaqFile,
    /// A sticker, photo, voice message or anything else that is not text.
    TextOnly,
    /// Handling a message failed inside the bot.
    SomethingWentWrong,
    /// Console chat: the line under the greeting.
    ConsoleHint,
    /// Console chat: a line that was not valid UTF-8.
    ConsoleInvalidLine,
    /// `article-qa` with no subcommand and no token: why this is the console chat.
    NoToken,
}

impl Fixed {
    /// Every fixed text.
    pub const ALL: [Fixed; 23] = [
        Fixed::NotFound,
        Fixed::NotFoundShort,
        Fixed::UnknownScript,
        Fixed::UnknownScriptShort,
        Fixed::InlineNotFound,
        Fixed::InlineFaq,
        Fixed::Reset,
        Fixed::NoMemory,
        Fixed::NoMemoryArticle,
        Fixed::MoreButton,
        Fixed::ParagraphButton,
        Fixed::ReadArticleButton,
        Fixed::AllArticlesButton,
        Fixed::NothingMore,
        Fixed::StaleButton,
        Fixed::InvalidButton,
        Fixed::UnknownCommand,
        Fixed::NoFaqFile,
        Fixed::TextOnly,
        Fixed::SomethingWentWrong,
        Fixed::ConsoleHint,
        Fixed::ConsoleInvalidLine,
        Fixed::NoToken,
    ];

    /// A chat's reply when the engine abstains for `why`.
    pub fn refusal(why: Abstention) -> Fixed {
        match why {
            Abstention::UnknownScript => Fixed::UnknownScript,
            Abstention::NoTerms
            | Abstention::NoMatch
            | Abstention::LowCoverage
            | Abstention::Unsaid
            | Abstention::NoNumber
            | Abstention::NoDate => Fixed::NotFound,
        }
    }

    /// The same in a few words (an inline result's description).
    pub fn short_refusal(why: Abstention) -> Fixed {
        match Fixed::refusal(why) {
            Fixed::UnknownScript => Fixed::UnknownScriptShort,
            _ => Fixed::NotFoundShort,
        }
    }

    /// Its message in the `.ftl` files.
    fn id(self) -> Id {
        match self {
            Fixed::NotFound => Id::NotFound,
            Fixed::NotFoundShort => Id::NotFoundShort,
            Fixed::UnknownScript => Id::UnknownScript,
            Fixed::UnknownScriptShort => Id::UnknownScriptShort,
            Fixed::InlineNotFound => Id::InlineNotFound,
            Fixed::InlineFaq => Id::InlineFaq,
            Fixed::Reset => Id::ResetDone,
            Fixed::NoMemory => Id::NoMemory,
            Fixed::NoMemoryArticle => Id::NoMemoryArticle,
            Fixed::MoreButton => Id::ButtonMore,
            Fixed::ParagraphButton => Id::ButtonParagraph,
            Fixed::ReadArticleButton => Id::ButtonReadArticle,
            Fixed::AllArticlesButton => Id::ButtonAllArticles,
            Fixed::NothingMore => Id::NothingMore,
            Fixed::StaleButton => Id::ButtonStale,
            Fixed::InvalidButton => Id::ButtonInvalid,
            Fixed::UnknownCommand => Id::UnknownCommand,
            Fixed::NoFaqFile => Id::ReloadNoFile,
            Fixed::TextOnly => Id::TextOnly,
            Fixed::SomethingWentWrong => Id::SomethingWentWrong,
            Fixed::ConsoleHint => Id::ConsoleHint,
            Fixed::ConsoleInvalidLine => Id::ConsoleInvalidLine,
            Fixed::NoToken => Id::NoToken,
        }
    }

    /// The text in `lang`.
    pub fn text(self, lang: Lang) -> String {
        own(lang, tr(lang, self.id(), &[]))
    }
}

/// The bot's own `text` in `lang` as it is shown: with the marks of [`bidi::right_to_left`]
/// in a right-to-left language, untouched otherwise.
fn own(lang: Lang, text: String) -> String {
    match lang.is_rtl() {
        true => bidi::right_to_left(&text),
        false => text,
    }
}

/// Writes the bot's own `text` in `lang` (see [`own`]).
fn write_own(f: &mut fmt::Formatter<'_>, lang: Lang, text: String) -> fmt::Result {
    f.write_str(&own(lang, text))
}

/// A text from elsewhere (an article's title, an example question) inside the bot's text in
/// `lang`: isolated whole in a right-to-left language, so it keeps its own direction and
/// gets no marks of its own.
fn foreign(lang: Lang, text: &str) -> Cow<'_, str> {
    match lang.is_rtl() {
        true => Cow::Owned(bidi::isolate(text)),
        false => Cow::Borrowed(text),
    }
}

/// Message `id` in `lang` (no marks yet).
fn say(lang: Lang, id: Id) -> String {
    tr(lang, id, &[])
}

/// Message `id` in `lang` with `args` (no marks yet).
fn say_with(lang: Lang, id: Id, args: &Args<'_>) -> String {
    tr(lang, id, args)
}

/// An answer as plain text for a terminal, in `lang`: the quotes as the article has them,
/// the line naming their articles, or why there is no answer.
pub struct Plain<'a>(pub &'a Answer, pub Lang);

impl Display for Plain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Plain(answer, lang) = *self;
        match answer {
            Answer::Article(quotes) => {
                let groups = by_article(quotes);
                if groups.len() < 2 {
                    for quote in quotes {
                        writeln!(f, "¶{}  {}", quote.paragraph, unwrapped(&quote.text))?;
                    }
                    return f.write_str(&from_line(quotes, lang));
                }
                for (i, (title, quotes)) in groups.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n\n")?;
                    }
                    f.write_str(&group_line(title, lang))?;
                    for quote in quotes {
                        write!(f, "\n¶{}  {}", quote.paragraph, unwrapped(&quote.text))?;
                    }
                }
                Ok(())
            }
            Answer::Faq(faq) => {
                write!(f, "{}", faq.text.trim())?;
                for quote in &faq.quotes {
                    write!(f, "\n¶{}  {}", quote.paragraph, unwrapped(&quote.text))?;
                }
                Ok(())
            }
            Answer::NotFound(why) => f.write_str(&Fixed::refusal(*why).text(lang)),
        }
    }
}

/// The line under an article answer naming the articles its `quotes` come from, in `lang`
/// (`— from “A”, “B”`).
pub fn from_line(quotes: &[Quote], lang: Lang) -> String {
    let titles = Sources(quotes).to_string();
    own(
        lang,
        say_with(lang, Id::AnswerFrom, &[("titles", titles.into())]),
    )
}

/// An answer's `quotes` grouped by the article they come from, in the order each article
/// first appears, each group's quotes in their order: (the article's title, its quotes). An
/// answer quoting two articles shows each group under its title ([`group_line`]), so a
/// reader can tell which ¶1 is which.
pub fn by_article(quotes: &[Quote]) -> Vec<(&str, Vec<&Quote>)> {
    let mut groups: Vec<(&str, &str, Vec<&Quote>)> = Vec::new();
    for quote in quotes {
        match groups
            .iter_mut()
            .find(|(name, _, _)| *name == quote.article)
        {
            Some((_, _, group)) => group.push(quote),
            None => groups.push((&quote.article, &quote.title, vec![quote])),
        }
    }
    groups.into_iter().map(|(_, t, g)| (t, g)).collect()
}

/// The line above one article's quotes in an answer quoting several, in `lang`
/// (`From “Title”:`).
pub fn group_line(title: &str, lang: Lang) -> String {
    let title = format!("“{title}”");
    own(
        lang,
        say_with(lang, Id::AnswerGroup, &[("title", title.into())]),
    )
}

/// The distinct article titles `quotes` come from, each in curly quotes, joined by `, `
/// (`“A”, “B”`): what the line under an article answer names.
pub struct Sources<'a>(pub &'a [Quote]);

impl Display for Sources<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut titles: Vec<&str> = Vec::new();
        for quote in self.0 {
            if !titles.contains(&quote.title.as_str()) {
                titles.push(&quote.title);
            }
        }
        for (i, title) in titles.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "“{title}”")?;
        }
        Ok(())
    }
}

/// The article facts `/about` shows, in `lang`: of the article the chat asks about (an index
/// into the corpus's articles), else of every article.
pub struct About<'a>(pub &'a Corpus, pub Option<usize>, pub Lang);

impl Display for About<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let About(corpus, current, lang) = *self;
        let mut text = String::new();
        let described = (corpus.articles.iter().enumerate())
            .filter(|(i, _)| current.is_none_or(|c| c == *i))
            .map(|(_, article)| article);
        for (i, article) in described.enumerate() {
            if i > 0 {
                text.push_str("\n\n");
            }
            writeln!(text, "{}", foreign(lang, &format!("“{}”", article.title)))?;
            if let Some(date) = &article.meta.date {
                writeln!(
                    text,
                    "{}",
                    say_with(lang, Id::AboutDate, &[("date", date.as_str().into())])
                )?;
            }
            let source = match (&article.meta.source, &article.meta.url) {
                (Some(source), Some(url)) => say_with(
                    lang,
                    Id::AboutSourceUrl,
                    &[
                        ("source", source.as_str().into()),
                        ("url", url.as_str().into()),
                    ],
                ),
                (Some(source), None) | (None, Some(source)) => {
                    say_with(lang, Id::AboutSource, &[("source", source.as_str().into())])
                }
                (None, None) => say(lang, Id::AboutNoSource),
            };
            writeln!(text, "{source}")?;
            let size = [
                ("paragraphs", article.paragraphs.len().into()),
                ("sentences", article.sentence_count().into()),
            ];
            text.push_str(&say_with(lang, Id::AboutSize, &size));
        }
        write_own(f, lang, text)
    }
}

/// The `/start` greeting in `lang`: names the articles and gives three example questions
/// (those of the article the chat asks about, else the articles' own, else, with one
/// article, three kinds of question); with several, says how to list and choose them
/// (`/articles`, `/article N`). The `Option<usize>` is the chat's article, as
/// [`crate::chat::current_article`] gives it.
pub struct Start<'a>(pub &'a Corpus, pub Option<usize>, pub Lang);

impl Display for Start<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Start(corpus, current, lang) = *self;
        // A chat asking about one article is greeted with that article alone.
        let chosen = current.and_then(|i| corpus.articles.get(i));
        let asked = |a: &&crate::corpus::Article| chosen.is_none_or(|c| std::ptr::eq(*a, c));
        let titles: Vec<String> = (corpus.articles.iter())
            .filter(asked)
            .map(|a| format!("“{}”", a.title))
            .collect();
        let hello = [
            ("titles", titles.join(", ").into()),
            ("count", titles.len().into()),
        ];
        let mut text = say_with(lang, Id::StartHello, &hello);
        // Several articles: how to choose one, and no made-up kinds of question.
        let several = corpus.articles.len() > 1;
        if several {
            write!(text, "\n{}", say(lang, Id::StartChoose))?;
        }
        let listed: Vec<Cow<'_, str>> = (corpus.articles.iter())
            .filter(asked)
            .flat_map(|a| a.meta.examples.iter().map(|e| foreign(lang, e)))
            .take(3)
            .collect();
        let examples = match listed.is_empty() {
            true if several => Vec::new(),
            true => [
                Id::StartExampleWho,
                Id::StartExampleWhen,
                Id::StartExampleWhere,
            ]
            .map(|id| Cow::Owned(say(lang, id)))
            .into(),
            false => listed,
        };
        if !examples.is_empty() {
            write!(text, "\n\n{}\n", say(lang, Id::StartTry))?;
        }
        for example in examples {
            writeln!(text, "• {example}")?;
        }
        if !text.ends_with('\n') {
            text.push('\n');
        }
        write!(text, "\n{}", say(lang, Id::StartHelp))?;
        write_own(f, lang, text)
    }
}

/// The `/help` text in `lang`: what the bot does, the commands of [`COMMANDS`] that are not
/// hidden (`/name — description`, one a line, under the list's title), and how to ask in
/// groups.
pub struct Help(pub Lang);

impl Display for Help {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lang = self.0;
        let text = format!(
            "{}\n\n{}\n\n{}",
            say(lang, Id::HelpIntro),
            CommandList(lang),
            say(lang, Id::HelpGroups)
        );
        write_own(f, lang, text)
    }
}

/// The listed commands as `/help` shows them in `lang`: the title (`Commands:`), a blank
/// line, then `/name — description` a line (no line break after the last).
pub struct CommandList(pub Lang);

impl Display for CommandList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lang = self.0;
        let mut text = format!("{}\n", say(lang, Id::HelpCommands));
        for info in COMMANDS.iter().filter(|info| !info.hidden) {
            write!(text, "\n/{} — {}", info.name, say(lang, info.description))?;
        }
        write_own(f, lang, text)
    }
}

/// The title of the command list in `lang` (`Commands:`).
pub fn command_list_title(lang: Lang) -> String {
    own(lang, say(lang, Id::HelpCommands))
}

/// What the command menu (`setMyCommands`) and `/help` say about a command, in `lang` (one
/// line, under 256 characters).
pub fn description(info: &CommandInfo, lang: Lang) -> String {
    own(lang, say(lang, info.description))
}

/// A language's name in that language (`English`, `Русский`, `العربية`).
fn name(lang: Lang) -> String {
    say(lang, Id::LanguageName)
}

/// A language's name in that language, as a text of its own (a button's label).
pub fn language_name(lang: Lang) -> String {
    own(lang, name(lang))
}

/// `/language` with no argument, in the chat's language: the language replies are in, why
/// (the chat chose it, the sender's app uses it, or it is the default), and how to change it.
pub struct LanguageShown(pub Choice);

impl Display for LanguageShown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let choice = self.0;
        let lang = choice.lang();
        let why = match (choice.chat, choice.sender) {
            (Some(_), _) => Id::LanguageWhyChat,
            (None, Some(_)) => Id::LanguageWhyApp,
            (None, None) => Id::LanguageWhyDefault,
        };
        let current = say_with(
            lang,
            Id::LanguageCurrent,
            &[("language", name(lang).into())],
        );
        let text = format!("{current} {}\n\n{}", say(lang, why), LanguageOptions(lang));
        write_own(f, lang, text)
    }
}

/// How to choose a language, in `lang`: the title, then `/language <code> — <name>` a line
/// for each language, and `/language auto`.
struct LanguageOptions(Lang);

impl Display for LanguageOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lang = self.0;
        f.write_str(&say(lang, Id::LanguageOptions))?;
        for option in Lang::ALL {
            write!(f, "\n/language {} — {}", option.code(), name(option))?;
        }
        write!(f, "\n/language auto — {}", say(lang, Id::LanguageAuto))
    }
}

/// `/language <code>` or `/language auto` done: said in the language the chat uses from now
/// on (`choice` is the new one).
pub struct LanguageChanged(pub Choice);

impl Display for LanguageChanged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let choice = self.0;
        let lang = choice.lang();
        let text = match choice.chat {
            Some(chosen) => say_with(
                lang,
                Id::LanguageChanged,
                &[("language", name(chosen).into())],
            ),
            None => say(lang, Id::LanguageChangedAuto),
        };
        write_own(f, lang, text)
    }
}

/// Longest part of an unknown language code repeated back, in characters.
const CODE_SHOWN: usize = 16;

/// `/language <code>` for a language the bot does not have, in the chat's language: says
/// so (repeating at most [`CODE_SHOWN`] characters of it) and lists the options.
pub struct LanguageUnknown<'a>(pub &'a str, pub Choice);

impl Display for LanguageUnknown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lang = self.1.lang();
        let code: String = self.0.chars().take(CODE_SHOWN).collect();
        let unknown = say_with(lang, Id::LanguageUnknown, &[("code", code.into())]);
        let text = format!("{unknown}\n\n{}", LanguageOptions(lang));
        write_own(f, lang, text)
    }
}

/// `/articles` in `lang`: the title, then `N. “Title” — date, P paragraphs` a line for each
/// article (no date when the metadata has none), then which one the chat asks about
/// (`current`, an index into the corpus's articles, or all) and how to choose.
pub struct Articles<'a>(pub &'a Corpus, pub Option<usize>, pub Lang);

impl Display for Articles<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Articles(corpus, current, lang) = *self;
        let count = [("count", corpus.articles.len().into())];
        let mut text = say_with(lang, Id::ArticlesTitle, &count);
        text.push('\n');
        for (i, article) in corpus.articles.iter().enumerate() {
            let title = foreign(lang, &format!("“{}”", article.title)).into_owned();
            let size = [("paragraphs", article.paragraphs.len().into())];
            let size = say_with(lang, Id::ArticlesParagraphs, &size);
            let date = (article.meta.date.as_deref()).map(|d| foreign(lang, d).into_owned());
            match date {
                Some(date) => write!(text, "\n{}. {title} — {date}, {size}", i + 1)?,
                None => write!(text, "\n{}. {title} — {size}", i + 1)?,
            }
        }
        let now = match current.and_then(|i| Some((i, corpus.articles.get(i)?))) {
            Some((i, article)) => {
                let args = [
                    ("number", (i + 1).into()),
                    ("title", format!("“{}”", article.title).into()),
                ];
                say_with(lang, Id::ArticlesCurrentOne, &args)
            }
            None => say(lang, Id::ArticlesCurrentAll),
        };
        write!(text, "\n\n{now} {}", say(lang, Id::ArticlesChoose))?;
        write_own(f, lang, text)
    }
}

/// Longest part of an unknown `/article` argument repeated back, in characters.
const ARTICLE_ARG_SHOWN: usize = 16;

/// What to say to `/ask` with no question (`command`), or to a message with nothing but the
/// bot's name, in `lang`: how to ask, with the first example question of the article the
/// chat asks about (`current`, else of the first article with examples), when there is one.
pub fn ask_what(corpus: &Corpus, current: Option<usize>, command: bool, lang: Lang) -> String {
    let chosen = current.and_then(|i| corpus.articles.get(i));
    let example = match chosen {
        Some(article) => article.meta.examples.first(),
        None => (corpus.articles.iter()).find_map(|a| a.meta.examples.first()),
    };
    let text = match (example, command) {
        (Some(example), command) => {
            let id = if command { Id::AskWhat } else { Id::AskMention };
            say_with(
                lang,
                id,
                // Fluent isolates the example in a right-to-left language.
                &[("example", example.as_str().into())],
            )
        }
        (None, true) => say(lang, Id::AskWhatPlain),
        (None, false) => say(lang, Id::AskMentionPlain),
    };
    own(lang, text)
}

/// `/article arg` for no article of the `count` there are, in `lang` (one line, repeating at
/// most [`ARTICLE_ARG_SHOWN`] characters of `arg`).
pub fn article_unknown(arg: &str, count: usize, lang: Lang) -> String {
    let arg: String = (bidi::without_controls(arg).chars())
        .take(ARTICLE_ARG_SHOWN)
        .collect();
    let args = [("arg", arg.into()), ("count", count.into())];
    own(lang, say_with(lang, Id::ArticleUnknown, &args))
}

/// `/article N` or `/article all` done, in `lang`: names the article `chosen` (an index into
/// the corpus's articles), or says all are asked about again.
pub fn article_chosen(corpus: &Corpus, chosen: Option<usize>, lang: Lang) -> String {
    let text = match chosen.and_then(|i| corpus.articles.get(i)) {
        Some(article) => {
            let title = format!("“{}”", article.title);
            say_with(lang, Id::ArticleChosen, &[("title", title.into())])
        }
        None => {
            let count = [("count", corpus.articles.len().into())];
            say_with(lang, Id::ArticleAll, &count)
        }
    };
    own(lang, text)
}

/// Inline mode: the description under a quoted sentence, where it stands: `“Title”, ¶4`.
pub struct InlinePlace<'a>(pub &'a Quote);

impl Display for InlinePlace<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "“{}”, ¶{}", self.0.title, self.0.paragraph)
    }
}

/// What `/reload` says in `lang` after loading `rules` rules from `path`; `skipped` holds
/// one line for each rule left out because its quotes do not resolve against the articles
/// (shown as they are).
pub fn reloaded(rules: usize, skipped: &[String], path: &std::path::Path, lang: Lang) -> String {
    let path = path.display().to_string();
    let args = [("rules", rules.into()), ("path", path.into())];
    let mut text = own(lang, say_with(lang, Id::ReloadDone, &args));
    if !skipped.is_empty() {
        let count = [("count", skipped.len().into())];
        text.push('\n');
        text.push_str(&own(lang, say_with(lang, Id::ReloadSkipped, &count)));
        for line in skipped {
            text.push('\n');
            text.push_str(line);
        }
    }
    text
}

/// What `/reload` says in `lang` when the new file fails its check; `error` (the checker's
/// words, in English) follows as it is.
pub fn reload_failed(error: &str, lang: Lang) -> String {
    format!("{}\n{error}", own(lang, say(lang, Id::ReloadFailed)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::answer::Abstention;

    fn quote(title: &str) -> Quote {
        Quote {
            text: "Text.".to_string(),
            article: "a".into(),
            title: title.into(),
            paragraph: 3,
            sentence: 1,
            score: 1.0,
        }
    }

    #[test]
    fn abstention_is_never_empty() {
        let answer = Answer::NotFound(Abstention::NoTerms);
        for lang in Lang::ALL {
            assert_eq!(Plain(&answer, lang).to_string(), Fixed::NotFound.text(lang));
            assert!(!Fixed::NotFound.text(lang).is_empty());
        }
    }

    #[test]
    fn english_texts_are_as_they_were_before_translation() {
        // The texts as the bot said them when they were constants in this file.
        for (fixed, text) in [
            (
                Fixed::NotFound,
                "The article does not say. Try asking about something it covers, or send /help.",
            ),
            (Fixed::MoreButton, "More"),
            (
                Fixed::Reset,
                "Done — I've forgotten our conversation. Your next question starts fresh.",
            ),
            (
                Fixed::NoToken,
                "No Telegram token configured, so this is the console chat. To run the Telegram \
                 bot, put TELOXIDE_TOKEN=<token from @BotFather> in .env (see README).",
            ),
        ] {
            assert_eq!(fixed.text(Lang::En), text);
        }
        let quotes = [quote("B"), quote("A")];
        assert_eq!(from_line(&quotes, Lang::En), "— from “B”, “A”");
    }

    fn quote_of(article: &str, title: &str, paragraph: usize, text: &str) -> Quote {
        Quote {
            text: text.into(),
            article: article.into(),
            title: title.into(),
            paragraph,
            sentence: 1,
            score: 1.0,
        }
    }

    #[test]
    fn quotes_of_two_articles_are_grouped_under_each_title() {
        let quotes = [
            quote_of("b", "Bridge", 1, "The bridge opened."),
            quote_of("a", "Call", 1, "Putin called."),
            quote_of("b", "Bridge", 4, "It cost a lot."),
        ];
        let groups = by_article(&quotes);
        let shape: Vec<(&str, Vec<usize>)> = (groups.iter())
            .map(|(t, q)| (*t, q.iter().map(|q| q.paragraph).collect()))
            .collect();
        assert_eq!(shape, [("Bridge", vec![1, 4]), ("Call", vec![1])]);
        let plain = Plain(&Answer::Article(quotes.to_vec()), Lang::En).to_string();
        assert_eq!(
            plain,
            "From “Bridge”:\n¶1  The bridge opened.\n¶4  It cost a lot.\n\n\
             From “Call”:\n¶1  Putin called."
        );
        let russian = Plain(&Answer::Article(quotes.to_vec()), Lang::Ru).to_string();
        assert!(russian.starts_with("Из статьи “Bridge”:\n¶1"), "{russian}");
    }

    #[test]
    fn quotes_of_one_article_keep_the_line_under_them() {
        let quotes = [
            quote_of("a", "Call", 2, "Putin called."),
            quote_of("a", "Call", 1, "Yes."),
        ];
        assert_eq!(by_article(&quotes).len(), 1);
        let plain = Plain(&Answer::Article(quotes.to_vec()), Lang::En).to_string();
        assert_eq!(plain, "¶2  Putin called.\n¶1  Yes.\n— from “Call”");
    }

    #[test]
    fn sources_name_each_title_once_in_order() {
        let quotes = [quote("B"), quote("A"), quote("B")];
        assert_eq!(Sources(&quotes).to_string(), "“B”, “A”");
    }

    #[test]
    fn help_lists_the_visible_commands_and_hides_reload() {
        let help = Help(Lang::En).to_string();
        assert!(
            help.starts_with("Ask me a question about the article"),
            "{help}"
        );
        assert!(help.contains("Commands:\n\n/start — Say hello"), "{help}");
        assert!(
            help.contains("\n/reset — Forget this conversation"),
            "{help}"
        );
        assert!(help.contains("\n/language — Choose the language"), "{help}");
        assert!(help.ends_with("or reply to my message."), "{help}");
        assert!(!help.contains("reload"), "{help}");
        let russian = Help(Lang::Ru).to_string();
        assert!(
            russian.contains("Команды:\n\n/start — Поздороваться"),
            "{russian}"
        );
    }

    #[test]
    fn start_in_a_chat_asking_about_one_article_suggests_that_articles_questions() {
        use crate::corpus::{Article, ArticleMeta};
        let article = |name: &str, example: &str| {
            let meta = ArticleMeta {
                examples: vec![example.to_string()],
                ..ArticleMeta::default()
            };
            let text = format!("{name} is in the news.\n");
            Article::parse(name, std::path::Path::new(name), text, meta).unwrap()
        };
        let corpus = Corpus {
            articles: vec![
                article("call", "Who called whom?"),
                article("tram", "When does the tram open?"),
            ],
        };
        let all = Start(&corpus, None, Lang::En).to_string();
        assert!(all.contains("• Who called whom?") && all.contains("• When does the tram"));
        let one = Start(&corpus, Some(1), Lang::En).to_string();
        assert!(one.contains("• When does the tram open?"), "{one}");
        assert!(one.contains("“Tram”") && !one.contains("“Call”"), "{one}");
        assert!(!one.contains("Who called whom?"), "{one}");
    }

    #[test]
    fn arabic_lines_start_right_to_left_with_commands_isolated_and_titles_whole() {
        let help = Help(Lang::Ar).to_string();
        for line in help.lines() {
            assert!(line.starts_with(bidi::RLM), "{line:?}");
        }
        assert!(help.contains("\u{2066}/start\u{2069} — "), "{help}");
        let corpus = Corpus::from_text("t", "Bogdanov led the delegation to Damascus.\n").unwrap();
        let start = Start(&corpus, None, Lang::Ar).to_string();
        let title = format!("“{}”", corpus.articles[0].title);
        assert!(start.contains(&bidi::isolate(&title)), "{start}");
        assert!(start.contains("\u{2066}/help\u{2069}"), "{start}");
    }

    #[test]
    fn language_texts_name_the_language_and_list_the_options() {
        let shown = LanguageShown(Choice::new(None, Some("ru"))).to_string();
        assert!(
            shown.starts_with("Язык ответов: Русский. Это язык вашего приложения."),
            "{shown}"
        );
        assert!(shown.contains("\n/language ar — العربية"), "{shown}");
        let changed = LanguageChanged(Choice::new(Some(Lang::En), Some("ru"))).to_string();
        assert_eq!(
            changed,
            "Done — I reply in English in this chat from now on."
        );
        let unknown = LanguageUnknown("klingon-and-then-some", Choice::default()).to_string();
        assert!(
            unknown.starts_with("I don't know the language “klingon-and-then”."),
            "{unknown}"
        );
        assert!(
            unknown.ends_with("/language auto — each person's app language"),
            "{unknown}"
        );
    }
}
