//! Chat layer: the bot's commands (one table, which `/help` and every front end's command
//! menu read), the [`Turn`] a person sends, the [`Response`] it gets, what pressing an answer's
//! buttons does ([`buttons`]), deep links that ask a question ([`deep_link`]), the languages
//! it speaks and how a chat's is chosen ([`lang`]), and all reply text ([`reply`], plain,
//! rendered with `Display`, its words in Fluent files read by [`l10n`], right-to-left text
//! marked by [`bidi`]).
//! The console chat and the Telegram bot parse input into a [`Turn`] and render the
//! [`Response`]; neither decides what to say. May use [`crate::text`], [`crate::corpus`],
//! [`crate::search`] and [`crate::engine`] only; no front-end crate (teloxide, clap, tokio,
//! reqwest, redis, anyhow).

pub mod bidi;
pub mod buttons;
pub mod deep_link;
pub mod l10n;
pub mod lang;
pub mod reply;

use std::time::Duration;

use crate::engine::conversation::Context;
use crate::engine::{Answer, Engine};
use l10n::Id;
use lang::{Choice, Lang};
use reply::Fixed;

/// A command of the bot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `/start`: say hello and show example questions.
    Start,
    /// `/help`: show what the bot can do.
    Help,
    /// `/about`: the article's title, date, source and size.
    About,
    /// `/ask <question>`: a question (the text after the command, as sent).
    Ask(String),
    /// `/reset`: forget this chat's conversation.
    Reset,
    /// `/language [code]`: show the language of the chat's replies, or choose one (`en`,
    /// `ru`, `ar`, or `auto` to follow each sender's app language); the text after the
    /// command, trimmed.
    Language(String),
    /// `/articles`: list the articles (number, title, date, paragraphs) and which one the chat
    /// asks about.
    Articles,
    /// `/article N` or `/article all`: ask about article N alone (numbered from 1, as
    /// `/articles` lists them), or about all of them again; the text after the command,
    /// trimmed (empty: as `/articles`).
    Article(String),
    /// `/reload`: reload the FAQ rules file. Only a front end can carry it out, and only for
    /// someone it allows (see [`respond`]); not listed in `/help` or the menu.
    Reload,
}

/// One row of the command table [`COMMANDS`].
#[derive(Debug)]
pub struct CommandInfo {
    /// The name after the `/`, lower case (`"ask"`).
    pub name: &'static str,
    /// What `/help` and the command menu say about it: a message of the `.ftl` files (one
    /// line, under 256 characters), rendered by [`reply::description`].
    pub description: Id,
    /// Not listed in `/help` or the command menu (admin commands).
    pub hidden: bool,
    /// Builds the command from the text after its name.
    build: fn(&str) -> Command,
}

/// Every command, in the order `/help` and the command menu list them: the one source of
/// names, descriptions and parsing.
pub const COMMANDS: &[CommandInfo] = &[
    CommandInfo {
        name: "start",
        description: Id::CommandStart,
        hidden: false,
        // A deep link's `/start <payload>` asks the question it holds.
        build: |args| deep_link::question(args.trim()).map_or(Command::Start, Command::Ask),
    },
    CommandInfo {
        name: "help",
        description: Id::CommandHelp,
        hidden: false,
        build: |_| Command::Help,
    },
    CommandInfo {
        name: "about",
        description: Id::CommandAbout,
        hidden: false,
        build: |_| Command::About,
    },
    CommandInfo {
        name: "articles",
        description: Id::CommandArticles,
        hidden: false,
        build: |_| Command::Articles,
    },
    CommandInfo {
        name: "article",
        description: Id::CommandArticle,
        hidden: false,
        build: |args| Command::Article(args.trim().to_string()),
    },
    CommandInfo {
        name: "ask",
        description: Id::CommandAsk,
        hidden: false,
        build: |args| Command::Ask(args.to_string()),
    },
    CommandInfo {
        name: "reset",
        description: Id::CommandReset,
        hidden: false,
        build: |_| Command::Reset,
    },
    CommandInfo {
        name: "language",
        description: Id::CommandLanguage,
        hidden: false,
        build: |args| Command::Language(args.trim().to_string()),
    },
    CommandInfo {
        name: "reload",
        description: Id::CommandReload,
        hidden: true,
        build: |_| Command::Reload,
    },
];

impl Command {
    /// The command called `name` (without the `/`; matched in any case, as Telegram clients
    /// treat commands: `/HELP` is `/help`),
    /// given `args`, the text after the name and the space that ends it (kept as sent; only
    /// `/ask` reads it). `None` for a name the bot does not have.
    pub fn new(name: &str, args: &str) -> Option<Self> {
        COMMANDS
            .iter()
            .find(|info| info.name.eq_ignore_ascii_case(name))
            .map(|info| (info.build)(args))
    }

    /// Reads `/name args` (split at the first space). `None` when `text` is not a `/command`
    /// of the bot; a front end that knows its name strips `@botname` from the name first.
    pub fn from_text(text: &str) -> Option<Self> {
        let (head, args) = text.split_once(' ').unwrap_or((text, ""));
        Self::new(head.strip_prefix('/')?, args)
    }
}

/// One thing a person sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Turn {
    /// A command.
    Command(Command),
    /// A plain question.
    Question(String),
    /// A `/command` the bot does not have.
    UnknownCommand,
}

impl Turn {
    /// Reads a line typed in the console (trimmed): a command (`/help`, `/ask …`), an unknown
    /// `/command` (`/help@somebot` included), or a question.
    pub fn parse(line: &str) -> Self {
        let line = line.trim();
        match Command::from_text(line) {
            Some(command) => Turn::Command(command),
            None if line.starts_with('/') => Turn::UnknownCommand,
            None => Turn::Question(line.to_string()),
        }
    }
}

/// What the bot sends back.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// Fixed text: greeting, help, about, hints.
    Text(String),
    /// Fixed text offering the languages to choose from (`/language` without a language the
    /// bot has); a front end may offer them as buttons too.
    LanguageOptions(String),
    /// The list of articles (`/articles`); a front end may offer a button for each article
    /// and one for all of them, a press doing what `/article N` (`/article all`) does.
    ArticleOptions(String),
    /// The engine's answer to a question.
    Answer(Answer),
    /// A command the bot does not offer to this person (groups stay silent).
    UnknownCommand,
}

/// Answers one turn in a chat's conversation `context` (updated: questions are remembered,
/// `/reset` empties it but for the article chosen, `/article` chooses the article and starts
/// a new conversation; questions are answered from that article alone, see
/// [`Engine::scoped`]; `now` in seconds since the epoch, `ttl` the idle time after which it
/// expires), in the language `choice` gives. `/language` shows or changes `choice.chat`:
/// the front end keeps the chat's choice and saves it when it changed. Fixed text comes in
/// the chat's language (after a change, the new one); render an answer in `choice.lang()`.
///
/// `/reload` is not a chat turn: a front end carries out an allowed one itself (the console
/// for the person running it, Telegram for its admins) and never passes it here, so one that
/// arrives here was not allowed and is answered as an unknown command, giving no hint that
/// the command exists.
pub fn respond(
    engine: &Engine,
    turn: &Turn,
    context: &mut Context,
    choice: &mut Choice,
    now: u64,
    ttl: Duration,
) -> Response {
    let lang = choice.lang();
    let current = current_article(engine, context);
    match turn {
        Turn::Command(Command::Reload) | Turn::UnknownCommand => Response::UnknownCommand,
        Turn::Command(Command::Reset) => {
            *context = context.fresh();
            Response::Text(Fixed::Reset.text(lang))
        }
        Turn::Command(Command::Start) => {
            Response::Text(reply::Start(engine.corpus(), current, lang).to_string())
        }
        Turn::Command(Command::Help) => Response::Text(reply::Help(lang).to_string()),
        Turn::Command(Command::About) => {
            Response::Text(reply::About(engine.corpus(), current, lang).to_string())
        }
        Turn::Command(Command::Articles) => {
            Response::ArticleOptions(reply::Articles(engine.corpus(), current, lang).to_string())
        }
        Turn::Command(Command::Article(arg)) => choose_article(engine, arg, context, lang),
        Turn::Command(Command::Language(code)) => choose_language(code, choice),
        Turn::Command(Command::Ask(question)) if question.trim().is_empty() => {
            Response::Text(reply::ask_what(engine.corpus(), current, true, lang))
        }
        Turn::Question(question) if question.trim().is_empty() => {
            Response::Text(reply::ask_what(engine.corpus(), current, false, lang))
        }
        Turn::Command(Command::Ask(question)) | Turn::Question(question) => {
            let engine = engine.scoped(current);
            Response::Answer(engine.converse(question, context, now, ttl).answer)
        }
    }
}

/// The article `context` asks about, as an index into `engine`'s articles: `None` for all
/// of them, and for an article the seeds no longer have.
pub fn current_article(engine: &Engine, context: &Context) -> Option<usize> {
    let name = context.article.as_deref()?;
    (engine.corpus().articles.iter()).position(|a| a.name == name)
}

/// `/article arg`: `all` asks about every article again, a number from 1 to the number of
/// articles about that one alone (either starts a new conversation, so no earlier question
/// leaks into the other article); nothing lists the articles, as `/articles` does; anything
/// else is refused in one line.
fn choose_article(engine: &Engine, arg: &str, context: &mut Context, lang: Lang) -> Response {
    let corpus = engine.corpus();
    let count = corpus.articles.len();
    let chosen = match arg.trim() {
        "" => {
            let current = current_article(engine, context);
            return Response::ArticleOptions(reply::Articles(corpus, current, lang).to_string());
        }
        all if all.eq_ignore_ascii_case("all") => None,
        number => match western_digits(number).parse::<usize>() {
            Ok(n) if (1..=count).contains(&n) => Some(n - 1),
            _ => return Response::Text(reply::article_unknown(number, count, lang)),
        },
    };
    *context = Context {
        article: chosen.map(|i| corpus.articles[i].name.clone()),
        ..Context::default()
    };
    Response::Text(reply::article_chosen(corpus, chosen, lang))
}

/// `number` with Arabic-Indic and Persian digits (٣, ۳) as the digits 0–9, as an Arabic
/// keyboard types them.
fn western_digits(number: &str) -> String {
    (number.chars())
        .map(|c| match c {
            '\u{660}'..='\u{669}' => char::from(b'0' + (c as u32 - 0x660) as u8),
            '\u{6F0}'..='\u{6F9}' => char::from(b'0' + (c as u32 - 0x6F0) as u8),
            c => c,
        })
        .collect()
}

/// `/language code`: an empty `code` shows the chat's language and the options; `auto`
/// clears the chat's choice; a language the bot speaks becomes the chat's choice; anything
/// else is refused with the options.
fn choose_language(code: &str, choice: &mut Choice) -> Response {
    let code = code.trim();
    if code.is_empty() {
        return Response::LanguageOptions(reply::LanguageShown(*choice).to_string());
    }
    let chosen = match code.eq_ignore_ascii_case("auto") {
        true => None,
        false => match Lang::from_code(code) {
            Some(lang) => Some(lang),
            None => {
                let refused = reply::LanguageUnknown(code, *choice).to_string();
                return Response::LanguageOptions(refused);
            }
        },
    };
    choice.chat = chosen;
    Response::Text(reply::LanguageChanged(*choice).to_string())
}

/// [`respond`] when the conversation context cannot be loaded (the context store is down):
/// the turn is answered as if the chat were new, `/reset` says plainly that there is
/// nothing it can clear, and `/article N` (or `all`) that no choice can be kept now.
pub fn respond_without_memory(
    engine: &Engine,
    turn: &Turn,
    choice: &mut Choice,
    now: u64,
    ttl: Duration,
) -> Response {
    if *turn == Turn::Command(Command::Reset) {
        return Response::Text(Fixed::NoMemory.text(choice.lang()));
    }
    if let Turn::Command(Command::Article(arg)) = turn
        && !arg.trim().is_empty()
    {
        return Response::Text(Fixed::NoMemoryArticle.text(choice.lang()));
    }
    respond(engine, turn, &mut Context::default(), choice, now, ttl)
}

impl Response {
    /// Plain text for a terminal, an answer's own text in `lang` (fixed text is already in
    /// its language).
    pub fn to_plain(&self, lang: Lang) -> String {
        match self {
            Response::Text(text)
            | Response::LanguageOptions(text)
            | Response::ArticleOptions(text) => text.clone(),
            Response::Answer(answer) => reply::Plain(answer, lang).to_string(),
            Response::UnknownCommand => Fixed::UnknownCommand.text(lang),
        }
    }

    /// `"article"`, `"faq"`, `"none"` for answers; `"text"` for fixed text (for logs).
    pub fn source(&self) -> &'static str {
        match self {
            Response::Text(_)
            | Response::LanguageOptions(_)
            | Response::ArticleOptions(_)
            | Response::UnknownCommand => "text",
            Response::Answer(answer) => answer.source(),
        }
    }

    /// True when the engine found no answer (the question goes to the unanswered log).
    pub fn abstained(&self) -> bool {
        matches!(self, Response::Answer(Answer::NotFound(_)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_lines_parse_as_commands_or_questions() {
        for (line, turn) in [
            ("/help", Turn::Command(Command::Help)),
            ("/language", Turn::Command(Command::Language(String::new()))),
            (
                "/language  ru ",
                Turn::Command(Command::Language("ru".into())),
            ),
            (" /ask Who? ", Turn::Command(Command::Ask("Who?".into()))),
            ("/ask  Who?", Turn::Command(Command::Ask(" Who?".into()))),
            ("/ask", Turn::Command(Command::Ask(String::new()))),
            ("/start deep-link", Turn::Command(Command::Start)),
            ("/reload", Turn::Command(Command::Reload)),
            ("Who led it?", Turn::Question("Who led it?".into())),
            ("/nosuch thing", Turn::UnknownCommand),
            ("/Help", Turn::Command(Command::Help)),
            ("/RESET", Turn::Command(Command::Reset)),
            ("/help@somebot", Turn::UnknownCommand),
            ("/", Turn::UnknownCommand),
        ] {
            assert_eq!(Turn::parse(line), turn, "{line:?}");
        }
    }

    #[test]
    fn every_command_is_in_the_table_once_and_parses_by_its_name() {
        for info in COMMANDS {
            let command = Command::new(info.name, "x").expect("parses");
            assert_eq!(
                COMMANDS.iter().filter(|i| i.name == info.name).count(),
                1,
                "{}",
                info.name
            );
            assert_eq!(
                Command::from_text(&format!("/{} x", info.name)),
                Some(command)
            );
        }
        assert_eq!(
            COMMANDS
                .iter()
                .filter(|i| i.hidden)
                .map(|i| i.name)
                .collect::<Vec<_>>(),
            ["reload"]
        );
    }

    #[test]
    fn article_turns_choose_one_article_keep_it_over_reset_and_refuse_bad_numbers() {
        use crate::corpus::{Article, ArticleMeta, Corpus};
        let article = |name: &str, text: &str| {
            let path = std::path::Path::new(name);
            Article::parse(name, path, text.into(), ArticleMeta::default()).unwrap()
        };
        let corpus = Corpus {
            articles: vec![
                article("call", "Bogdanov led the delegation to Damascus.\n"),
                article("tram", "Ana Horvat led the delegation of engineers.\n"),
            ],
        };
        let engine = Engine::new(corpus).per_article(None);
        let ttl = Duration::from_secs(60);
        let mut context = Context::default();
        let mut choice = Choice::default();
        let mut say = |line: &str, context: &mut Context| {
            respond(&engine, &Turn::parse(line), context, &mut choice, 1, ttl).to_plain(Lang::En)
        };
        let both = say("Who led the delegation?", &mut context);
        assert!(
            both.contains("From “Call”:") && both.contains("From “Tram”:"),
            "{both}"
        );
        assert!(say("/article 2", &mut context).contains("“Tram” now"));
        assert_eq!(context.article.as_deref(), Some("tram"));
        let one = say("Who led the delegation?", &mut context);
        assert!(one.contains("Horvat") && !one.contains("Bogdanov"), "{one}");
        say("/reset", &mut context);
        assert_eq!(
            context.article.as_deref(),
            Some("tram"),
            "/reset keeps the chosen article"
        );
        assert!(say("/about", &mut context).starts_with("“Tram”\n"));
        for bad in ["/article 3", "/article 0", "/article x", "/article -1"] {
            let refused = say(bad, &mut context);
            assert!(
                refused.starts_with("There is no article"),
                "{bad}: {refused}"
            );
            assert_eq!(refused.lines().count(), 1, "{refused}");
        }
        assert_eq!(
            context.article.as_deref(),
            Some("tram"),
            "a refused number changes nothing"
        );
        // What was typed is repeated without the marks that would turn the line around.
        let reversed = say("/article \u{202E}abc\u{7}", &mut context);
        assert!(
            reversed.starts_with("There is no article “abc”."),
            "{reversed:?}"
        );
        // Digits as an Arabic keyboard types them.
        say("/article ١", &mut context);
        assert_eq!(context.article.as_deref(), Some("call"));
        say("/article ۲", &mut context);
        assert_eq!(context.article.as_deref(), Some("tram"));
        assert!(say("/article ALL", &mut context).contains("all 2 articles"));
        assert_eq!(context.article, None);
        // An article the seeds no longer have (a context from before a restart) means all.
        context.article = Some("gone".into());
        let again = say("Who led the delegation?", &mut context);
        assert!(
            again.contains("Bogdanov") && again.contains("Horvat"),
            "{again}"
        );
        // An article added before the chosen one (so numbered before it) changes nothing.
        say("/article 2", &mut context);
        // With the conversation store down no choice can be kept, and the reply says so.
        let down = respond_without_memory(&engine, &Turn::parse("/article 1"), &mut choice, 2, ttl);
        assert!(down.to_plain(Lang::En).contains("can't keep an article"));
        let grown = Corpus {
            articles: vec![
                article("a-bridge", "Ivo Kos led the delegation of builders.\n"),
                article("call", "Bogdanov led the delegation to Damascus.\n"),
                article("tram", "Ana Horvat led the delegation of engineers.\n"),
            ],
        };
        let engine = Engine::new(grown).per_article(None);
        let turn = Turn::parse("Who led the delegation?");
        let after = respond(&engine, &turn, &mut context, &mut choice, 2, ttl).to_plain(Lang::En);
        assert!(
            after.contains("Horvat") && !after.contains("Kos"),
            "{after}"
        );
    }

    #[test]
    fn asking_nothing_is_shown_how_to_ask_with_the_articles_own_example() {
        use crate::corpus::{Article, ArticleMeta, Corpus};
        let article = |name: &str, examples: &[&str]| {
            let meta = ArticleMeta {
                examples: examples.iter().map(|e| e.to_string()).collect(),
                ..ArticleMeta::default()
            };
            let text = "Ana Horvat led the engineers.\n".to_string();
            Article::parse(name, std::path::Path::new(name), text, meta).unwrap()
        };
        let ttl = Duration::from_secs(60);
        let reply = |corpus: &Corpus, turn: Turn, lang: Lang| {
            let engine = Engine::new(corpus.clone());
            let mut choice = Choice {
                chat: Some(lang),
                ..Choice::default()
            };
            let mut context = Context::default();
            respond(&engine, &turn, &mut context, &mut choice, 1, ttl).to_plain(lang)
        };
        let with_example = Corpus {
            articles: vec![article("tram", &["Who led the engineers?"])],
        };
        let command = reply(&with_example, Turn::parse("/ask"), Lang::En);
        assert!(
            command.ends_with("/ask Who led the engineers?"),
            "{command}"
        );
        let mention = reply(&with_example, Turn::Question("  ".into()), Lang::En);
        assert!(
            mention.starts_with("What would you like to know")
                && mention.ends_with("Who led the engineers?")
                && !mention.contains("/ask"),
            "{mention}"
        );
        let russian = reply(&with_example, Turn::parse("/ask"), Lang::Ru);
        assert!(russian.starts_with("Напишите вопрос"), "{russian}");
        // No example questions: no made-up one (least of all another article's).
        let without = Corpus {
            articles: vec![article("tram", &[])],
        };
        for turn in [Turn::parse("/ask"), Turn::Question(String::new())] {
            let text = reply(&without, turn, Lang::En);
            assert!(text.contains("article") && !text.contains("Who"), "{text}");
            assert_eq!(text.lines().count(), 1, "{text}");
        }
    }

    #[test]
    fn language_turns_show_set_and_refuse_and_replies_follow_the_choice() {
        let corpus = crate::corpus::Corpus::from_text("t", "Bogdanov led the delegation.\n");
        let engine = Engine::new(corpus.unwrap());
        let ttl = Duration::from_secs(60);
        let mut context = Context::default();
        let mut choice = Choice::new(None, Some("ru-RU"));
        // What the bot says to `line`, and whether it offers the languages to choose from.
        let mut say = |line: &str, choice: &mut Choice| match respond(
            &engine,
            &Turn::parse(line),
            &mut context,
            choice,
            1,
            ttl,
        ) {
            Response::Text(text) => (text, false),
            Response::LanguageOptions(text) => (text, true),
            other => panic!("{other:?}"),
        };
        assert!(say("/reset", &mut choice).0.starts_with("Готово"));
        let (shown, offers) = say("/language", &mut choice);
        assert!(
            shown.starts_with("Язык ответов: Русский.") && offers,
            "{shown}"
        );
        assert_eq!(choice.chat, None, "showing changes nothing");
        let (changed, offers) = say("/language AR", &mut choice);
        assert_eq!(choice.chat, Some(Lang::Ar));
        assert!(changed.contains("العربية") && !offers, "{changed}");
        let (unknown, offers) = say("/language xx", &mut choice);
        assert_eq!(
            choice.chat,
            Some(Lang::Ar),
            "an unknown code changes nothing"
        );
        assert!(unknown.contains("/language en") && offers, "{unknown}");
        let (auto, _) = say("/language auto", &mut choice);
        assert_eq!(choice.chat, None);
        assert!(auto.starts_with("Готово — снова"), "{auto}");
        choice.chat = Some(Lang::En);
        assert!(say("/help", &mut choice).0.starts_with("Ask me a question"));
    }
}
