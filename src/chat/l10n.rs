//! The bot's texts in every language, as Fluent messages (Project Fluent's FTL syntax):
//! `src/chat/locales/<code>.ftl`, one file a language, embedded in the binary at compile
//! time. [`Id`] names every message; [`tr`] formats one in a language. Only
//! [`crate::chat::reply`] calls it: that is where texts are put together.
//!
//! A message a language lacks is taken from English, and one English lacks shows its id, so
//! a missing translation never fails a reply (the tests below fail instead). In a
//! right-to-left language Fluent wraps each placeable (a title, a number) in Unicode
//! isolates, so a left-to-right value keeps its own direction; English and Russian get none,
//! so their texts are exactly as written.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::{LanguageIdentifier, langid};

use crate::chat::lang::Lang;

/// Defines [`Id`] from `Variant = "message-id"` lines.
macro_rules! message_ids {
    ($($(#[$doc:meta])* $variant:ident = $id:literal,)*) => {
        /// A message of the `.ftl` files.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Id {
            $($(#[$doc])* $variant,)*
        }

        impl Id {
            /// Every message, in the order of the English file.
            pub const ALL: &[Id] = &[$(Id::$variant,)*];

            /// The message's id in the `.ftl` files (`"not-found"`).
            pub fn key(self) -> &'static str {
                match self {
                    $(Id::$variant => $id,)*
                }
            }
        }
    };
}

message_ids! {
    /// The name of the file's language, in that language (`English`, `Русский`).
    LanguageName = "language-name",
    /// `/start`: the first line; `$titles` the articles' titles, `$count` how many.
    StartHello = "start-hello",
    /// `/start`: above the example questions.
    StartTry = "start-try",
    /// `/start`: a kind of question, when no article lists example questions.
    StartExampleWho = "start-example-who",
    /// `/start`: a second kind.
    StartExampleWhen = "start-example-when",
    /// `/start`: a third kind.
    StartExampleWhere = "start-example-where",
    /// `/start`: the last line.
    StartHelp = "start-help",
    /// `/help`: what the bot does.
    HelpIntro = "help-intro",
    /// `/help`: above the command list.
    HelpCommands = "help-commands",
    /// `/help`: how to ask in groups.
    HelpGroups = "help-groups",
    /// The menu's and `/help`'s description of `/start`.
    CommandStart = "command-start",
    /// … of `/help`.
    CommandHelp = "command-help",
    /// … of `/about`.
    CommandAbout = "command-about",
    /// … of `/ask`.
    CommandAsk = "command-ask",
    /// … of `/reset`.
    CommandReset = "command-reset",
    /// … of `/language`.
    CommandLanguage = "command-language",
    /// … of `/reload` (not listed).
    CommandReload = "command-reload",
    /// … of `/articles`.
    CommandArticles = "command-articles",
    /// … of `/article`.
    CommandArticle = "command-article",
    /// The article does not answer.
    NotFound = "not-found",
    /// The article does not answer, short (inline results).
    NotFoundShort = "not-found-short",
    /// The question is in a script the bot cannot read.
    UnknownScript = "unknown-script",
    /// The same, short (inline results).
    UnknownScriptShort = "unknown-script-short",
    /// Inline mode: the title of the one result when the article does not answer.
    InlineNotFound = "inline-not-found",
    /// Inline mode: the description under an FAQ answer.
    InlineFaq = "inline-faq",
    /// The line under an article answer; `$titles` the articles quoted.
    AnswerFrom = "answer-from",
    /// Above one article's quotes in an answer quoting several; `$title` its title.
    AnswerGroup = "answer-group",
    /// `/about`: `$date`.
    AboutDate = "about-date",
    /// `/about`: `$source`.
    AboutSource = "about-source",
    /// `/about`: `$source` and `$url`.
    AboutSourceUrl = "about-source-url",
    /// `/about` when the metadata names no source.
    AboutNoSource = "about-no-source",
    /// `/about`: `$paragraphs` and `$sentences`, counts.
    AboutSize = "about-size",
    /// `/ask` without a question: `$example`, an example question.
    AskWhat = "ask-what",
    /// `/ask` without a question, and no example question to give.
    AskWhatPlain = "ask-what-plain",
    /// A message with nothing but the bot's name: `$example`, an example question.
    AskMention = "ask-mention",
    /// A message with nothing but the bot's name, and no example question to give.
    AskMentionPlain = "ask-mention-plain",
    /// `/reset` done.
    ResetDone = "reset-done",
    /// `/reset` while the conversation store cannot be reached.
    NoMemory = "no-memory",
    /// `/article N` while the conversation store cannot be reached.
    NoMemoryArticle = "no-memory-article",
    /// The button that shows more sentences.
    ButtonMore = "button-more",
    /// The button that shows the whole paragraph.
    ButtonParagraph = "button-paragraph",
    /// The button that opens the article's web page.
    ButtonReadArticle = "button-read-article",
    /// The button under `/articles` that asks about every article.
    ButtonAllArticles = "button-all-articles",
    /// "More" when everything has been shown.
    NothingMore = "nothing-more",
    /// A button of an older answer.
    ButtonStale = "button-stale",
    /// A button not valid here.
    ButtonInvalid = "button-invalid",
    /// A command the bot does not have.
    UnknownCommand = "unknown-command",
    /// `/reload` with no rules file configured.
    ReloadNoFile = "reload-no-file",
    /// `/reload` done: `$rules` how many, `$path` the file.
    ReloadDone = "reload-done",
    /// `/reload`: above the rules left out; `$count` how many.
    ReloadSkipped = "reload-skipped",
    /// `/reload` of a file with errors (the errors follow).
    ReloadFailed = "reload-failed",
    /// Not text (a sticker, a voice message).
    TextOnly = "text-only",
    /// Handling a message failed inside the bot.
    SomethingWentWrong = "something-went-wrong",
    /// Console: the line under the greeting.
    ConsoleHint = "console-hint",
    /// Console: a line that was not valid UTF-8.
    ConsoleInvalidLine = "console-invalid-line",
    /// Console: started because no token is configured.
    NoToken = "no-token",
    /// `/language`: the language replies are in; `$language` its name.
    LanguageCurrent = "language-current",
    /// `/language`: … because the chat chose it.
    LanguageWhyChat = "language-why-chat",
    /// `/language`: … because it is the sender's app language.
    LanguageWhyApp = "language-why-app",
    /// `/language`: … because it is the default.
    LanguageWhyDefault = "language-why-default",
    /// `/language`: above the options.
    LanguageOptions = "language-options",
    /// `/language`: what `/language auto` does.
    LanguageAuto = "language-auto",
    /// `/language xx` done; `$language` the new language's name.
    LanguageChanged = "language-changed",
    /// `/language auto` done.
    LanguageChangedAuto = "language-changed-auto",
    /// `/language xx` for a language the bot does not have; `$code` what was sent.
    LanguageUnknown = "language-unknown",
    /// `/start` with several articles: below their list, how to choose one.
    StartChoose = "start-choose",
    /// `/articles`: above the list; `$count` how many.
    ArticlesTitle = "articles-title",
    /// `/articles`: one article's size; `$paragraphs` a count.
    ArticlesParagraphs = "articles-paragraphs",
    /// `/articles`: the chat asks about article `$number` (its `$title`).
    ArticlesCurrentOne = "articles-current-one",
    /// `/articles`: the chat asks about every article.
    ArticlesCurrentAll = "articles-current-all",
    /// `/articles`: how to choose.
    ArticlesChoose = "articles-choose",
    /// `/article N` done; `$title` the article's title.
    ArticleChosen = "article-chosen",
    /// `/article all` done; `$count` how many articles.
    ArticleAll = "article-all",
    /// `/article x` for no such article; `$arg` what was sent, `$count` how many there are.
    ArticleUnknown = "article-unknown",
}

/// The `.ftl` source of `lang`.
pub fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::En => include_str!("locales/en.ftl"),
        Lang::Ru => include_str!("locales/ru.ftl"),
        Lang::Ar => include_str!("locales/ar.ftl"),
    }
}

/// One language's messages, shareable between threads.
type Bundle = FluentBundle<FluentResource>;

/// The bundles, in the order of [`Lang::ALL`], parsed on first use.
static BUNDLES: LazyLock<Vec<Bundle>> = LazyLock::new(|| Lang::ALL.map(bundle).into());

/// `lang`'s bundle: its file's messages (those that parse: the tests check that all do),
/// placeables isolated in a right-to-left language only.
fn bundle(lang: Lang) -> Bundle {
    let mut bundle = FluentBundle::new_concurrent(vec![langid(lang)]);
    bundle.set_use_isolating(lang.is_rtl());
    let resource = FluentResource::try_new(source(lang).to_string()).unwrap_or_else(|(r, _)| r);
    // A message defined twice keeps its first definition; the tests forbid it anyway.
    let _ = bundle.add_resource(resource);
    bundle
}

/// The language identifier Fluent picks plural rules by.
fn langid(lang: Lang) -> LanguageIdentifier {
    match lang {
        Lang::En => langid!("en"),
        Lang::Ru => langid!("ru"),
        Lang::Ar => langid!("ar"),
    }
}

/// A message's arguments: the variables its text names (`$titles`), text or numbers.
pub type Args<'a> = [(&'a str, FluentValue<'a>)];

/// Message `id` in `lang` with `args`, as plain text (no markup, no escaping; the marks of
/// [`crate::chat::bidi`] are the caller's, as they depend on what surrounds it). Taken from
/// English when `lang` lacks it; its id when English lacks it too.
pub fn tr(lang: Lang, id: Id, args: &Args<'_>) -> String {
    formatted(lang, id, args)
        .or_else(|| formatted(Lang::En, id, args))
        .map_or_else(|| id.key().to_string(), |(text, _)| text)
}

/// Message `id` formatted from `lang`'s file, with the errors Fluent met (an argument the
/// text names but was not given, say); `None` when the file lacks the message.
fn formatted(lang: Lang, id: Id, args: &Args<'_>) -> Option<(String, usize)> {
    let bundle = BUNDLES.get(Lang::ALL.iter().position(|&l| l == lang)?)?;
    let pattern = bundle.get_message(id.key())?.value()?;
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    Some((text.into_owned(), errors.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message ids `lang`'s file defines, in order (a message starts a line with its
    /// id; comments, terms and continuation lines do not), and its syntax errors.
    fn defined(lang: Lang) -> (Vec<String>, Vec<String>) {
        let errors = match FluentResource::try_new(source(lang).to_string()) {
            Ok(_) => Vec::new(),
            Err((_, errors)) => errors.iter().map(|e| format!("{e:?}")).collect(),
        };
        let ids = source(lang)
            .lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_alphabetic()))
            .filter_map(|line| line.split('=').next())
            .map(|id| id.trim().to_string())
            .collect();
        (ids, errors)
    }

    #[test]
    fn every_language_file_parses_and_has_every_message_once_and_no_other() {
        let wanted: Vec<&str> = Id::ALL.iter().map(|id| id.key()).collect();
        for lang in Lang::ALL {
            let (ids, errors) = defined(lang);
            let file = format!("src/chat/locales/{}.ftl", lang.code());
            assert!(errors.is_empty(), "{file} does not parse: {errors:?}");
            for id in &wanted {
                let times = ids.iter().filter(|d| d == id).count();
                assert_eq!(times, 1, "{file} defines `{id}` {times} times");
            }
            let unknown: Vec<&String> = ids
                .iter()
                .filter(|d| !wanted.contains(&d.as_str()))
                .collect();
            assert!(
                unknown.is_empty(),
                "{file} has messages no code uses: {unknown:?}"
            );
        }
    }

    #[test]
    fn every_message_formats_without_errors_given_the_arguments_the_code_passes() {
        let args: [(&str, FluentValue); 10] = [
            ("titles", "“A”".into()),
            ("count", 2.into()),
            ("date", "2025-02-12".into()),
            ("source", "Reuters".into()),
            ("url", "https://example.org/a".into()),
            ("paragraphs", 15.into()),
            ("sentences", 41.into()),
            ("rules", 3.into()),
            ("path", "faq.toml".into()),
            ("language", "English".into()),
        ];
        let mut args = args.to_vec();
        args.push(("code", "xx".into()));
        args.push(("title", "“A”".into()));
        args.push(("number", 2.into()));
        args.push(("arg", "x".into()));
        args.push(("example", "Who led the delegation?".into()));
        for lang in Lang::ALL {
            for &id in Id::ALL {
                let (text, errors) = formatted(lang, id, &args).expect("defined");
                assert_eq!(
                    errors,
                    0,
                    "{}: `{}` formats with errors",
                    lang.code(),
                    id.key()
                );
                assert!(!text.trim().is_empty() && !text.contains('{'), "{text:?}");
            }
        }
    }

    #[test]
    fn russian_counts_take_their_plural_forms() {
        let size = |paragraphs: usize, sentences: usize| {
            tr(
                Lang::Ru,
                Id::AboutSize,
                &[
                    ("paragraphs", paragraphs.into()),
                    ("sentences", sentences.into()),
                ],
            )
        };
        assert_eq!(size(1, 2), "1 абзац, 2 предложения");
        assert_eq!(size(5, 21), "5 абзацев, 21 предложение");
        assert_eq!(
            tr(
                Lang::En,
                Id::AboutSize,
                &[("paragraphs", 1.into()), ("sentences", 2.into())]
            ),
            "1 paragraph, 2 sentences"
        );
    }

    #[test]
    fn placeables_are_isolated_in_arabic_only() {
        let args = [("date", FluentValue::from("2025-02-12"))];
        assert_eq!(tr(Lang::En, Id::AboutDate, &args), "Date: 2025-02-12");
        assert_eq!(tr(Lang::Ru, Id::AboutDate, &args), "Дата: 2025-02-12");
        assert_eq!(
            tr(Lang::Ar, Id::AboutDate, &args),
            "التاريخ: \u{2068}2025-02-12\u{2069}"
        );
    }
}
