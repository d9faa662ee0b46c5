//! Inline mode: `@Bot who led the delegation` typed in any chat shows the answer as inline
//! results (`answerInlineQuery`), one per quoted sentence — its title the sentence's start,
//! its description the article and ¶, its message the quote with its source, HTML-escaped —
//! or one for an FAQ answer, or one saying the article does not say. An empty query shows
//! the articles' example questions, each with its answer. Inline answers never use a
//! conversation context. The bot's own words (the not-found result, descriptions) are in the
//! language of the user's private chat with the bot when it chose one with `/language`, else
//! in the user's app language. Telegram caches results for [`CACHE_SECONDS`]; the bot keeps
//! the last [`CACHED_QUERIES`] queries' results too, per language.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use lru::LruCache;
use teloxide::prelude::*;
use teloxide::types::{
    InlineQuery, InlineQueryResult, InlineQueryResultArticle, InputMessageContent,
    InputMessageContentText, ParseMode,
};
use teloxide::utils::html::escape;
use tracing::{debug, error, info, warn};

use super::BotT;
use super::html::{answer_html, pack, quote_html, source_html};
use super::metrics;
use super::send::{HandlerResult, contain_panic};
use super::state::State;
use crate::chat::lang::{Choice, Lang};
use crate::chat::reply::{self, Fixed};
use crate::corpus::unwrapped;
use crate::engine::{Abstention, Answer, Engine};

/// How long Telegram may show cached results for the same query, in seconds.
pub const CACHE_SECONDS: u32 = 300;
/// How many queries' results the bot keeps.
pub const CACHED_QUERIES: NonZeroUsize = NonZeroUsize::new(1000).expect("not zero");
/// Longest query answered, in characters (Telegram sends at most 256).
const QUERY_CHARS: usize = 256;
/// Characters of a sentence shown as a result's title.
const TITLE_CHARS: usize = 64;

/// The results of recent queries, by engine generation (a `/reload` makes a new one),
/// language and query.
type Cache = Mutex<LruCache<(u64, Lang, String), Cached>>;

/// A query's results and where they came from.
type Cached = (Arc<Vec<InlineQueryResult>>, &'static str);

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(LruCache::new(CACHED_QUERIES)))
}

/// Answers an inline query (failures logged, never the query). A panic while finding the
/// results is contained: the query gets no results and the bot goes on.
pub async fn answer_inline(bot: BotT, query: InlineQuery, state: Arc<State>) -> HandlerResult {
    let started = Instant::now();
    let text: String = query.query.trim().chars().take(QUERY_CHARS).collect();
    // A user's private chat with the bot has the user's id: its `/language` applies here.
    let private = ChatId(i64::try_from(query.from.id.0).unwrap_or_default());
    let chosen = state.contexts.language(private.0).await;
    let lang = Choice::new(chosen, query.from.language_code.as_deref()).lang();
    let found = contain_panic(async { find(&state, &text, lang) }).await;
    let (results, source) = match found {
        Ok(found) => found,
        Err(what) => {
            error!("finding inline results panicked; the query got none");
            debug!("the panic: {what}");
            (Arc::new(Vec::new()), "none")
        }
    };
    let answered = bot
        .answer_inline_query(query.id, results.iter().cloned())
        .cache_time(CACHE_SECONDS)
        .await;
    match answered {
        Ok(_) => {}
        // Answered too late (a long wait, or claimed from the Redis stream): Telegram has
        // moved on.
        Err(teloxide::RequestError::Api(teloxide::ApiError::InvalidQueryId)) => {
            debug!("an inline query was answered too late");
            return Ok(());
        }
        Err(e) => {
            warn!("answering an inline query failed: {}", super::shown(&e));
            return Ok(());
        }
    }
    metrics::ANSWERS.with_label_values(&[source]).inc();
    info!(
        chat = "inline",
        question_chars = text.chars().count(),
        source,
        ms = %format_args!("{:.1}", started.elapsed().as_secs_f64() * 1000.0),
        "answered"
    );
    Ok(())
}

/// The results for `text` in `lang`, from the cache or found now.
fn find(state: &State, text: &str, lang: Lang) -> Cached {
    let key = (GENERATION.load(Ordering::Relaxed), lang, text.to_string());
    if let Some(cached) = cache().lock().ok().and_then(|mut c| c.get(&key).cloned()) {
        return cached;
    }
    let (results, source) = results_for(&state.engine(), text, lang);
    let results = Arc::new(results);
    if let Ok(mut c) = cache().lock() {
        c.put(key, (Arc::clone(&results), source));
    }
    (results, source)
}

/// Bumped when the engine is replaced (`/reload`): cached results of the old one are not
/// served again.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// The engine was replaced: results found with the old one are no longer served.
pub fn forget_cached() {
    GENERATION.fetch_add(1, Ordering::Relaxed);
    if let Ok(mut c) = cache().lock() {
        c.clear();
    }
}

/// The results for `text` in `lang` and where they came from (`article`, `faq`, `none`, or
/// `examples` for an empty query).
fn results_for(engine: &Engine, text: &str, lang: Lang) -> (Vec<InlineQueryResult>, &'static str) {
    if text.is_empty() {
        return (examples(engine, lang), "examples");
    }
    let answer = engine.answer(text);
    (answer_results(&answer, "a", lang), answer.source())
}

/// An answer as results in `lang`, their ids starting with `prefix`.
fn answer_results(answer: &Answer, prefix: &str, lang: Lang) -> Vec<InlineQueryResult> {
    match answer {
        Answer::Article(quotes) => (quotes.iter().enumerate())
            .map(|(i, quote)| {
                let quoted = std::slice::from_ref(quote);
                let blocks = vec![quote_html(quote), source_html(quoted, lang)];
                let message = one_message(blocks, lang);
                article(
                    format!("{prefix}{i}"),
                    title(&unwrapped(&quote.text)),
                    reply::InlinePlace(quote).to_string(),
                    message,
                )
            })
            .collect(),
        Answer::Faq(faq) => vec![article(
            format!("{prefix}0"),
            title(faq.text.trim()),
            Fixed::InlineFaq.text(lang),
            first_message(answer, lang),
        )],
        Answer::NotFound(why) => {
            let title = match why {
                Abstention::UnknownScript => Fixed::UnknownScriptShort,
                _ => Fixed::InlineNotFound,
            };
            vec![article(
                format!("{prefix}0"),
                title.text(lang),
                Fixed::short_refusal(*why).text(lang),
                first_message(answer, lang),
            )]
        }
    }
}

/// For an empty query: each example question the articles list (or none), with its answer
/// (in `lang`) as the message; the title is the question.
fn examples(engine: &Engine, lang: Lang) -> Vec<InlineQueryResult> {
    let corpus = engine.corpus();
    let questions = (corpus.articles.iter()).flat_map(|a| a.meta.examples.iter());
    (questions.take(5).enumerate())
        .map(|(i, question)| {
            let answer = engine.answer(question);
            let description = match &answer {
                Answer::Article(quotes) => quotes
                    .first()
                    .map(|q| title(&unwrapped(&q.text)))
                    .unwrap_or_default(),
                _ => Fixed::NotFoundShort.text(lang),
            };
            let mut blocks = vec![format!("<b>{}</b>", escape(question))];
            blocks.extend(answer_html(&answer, lang));
            let message = one_message(blocks, lang);
            article(format!("e{i}"), question.clone(), description, message)
        })
        .collect()
}

/// The first of an answer's HTML messages in `lang` (an inline result's message is one
/// message).
fn first_message(answer: &Answer, lang: Lang) -> String {
    answer_html(answer, lang)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// HTML blocks as one message within Telegram's limit: the first of the messages they pack
/// into (an inline result carries one message).
fn one_message(blocks: Vec<String>, lang: Lang) -> String {
    pack(blocks, lang).into_iter().next().unwrap_or_default()
}

/// A sentence's start as a title: at most [`TITLE_CHARS`] characters, cut at a word.
fn title(text: &str) -> String {
    if text.chars().count() <= TITLE_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(TITLE_CHARS).collect();
    let at_word = cut
        .rfind(' ')
        .filter(|&i| i > TITLE_CHARS / 2)
        .unwrap_or(cut.len());
    format!("{}…", cut[..at_word].trim_end())
}

fn article(id: String, title: String, description: String, html: String) -> InlineQueryResult {
    let content =
        InputMessageContent::Text(InputMessageContentText::new(html).parse_mode(ParseMode::Html));
    InlineQueryResult::Article(
        InlineQueryResultArticle::new(id, title, content).description(description),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_sentences_are_cut_at_a_word_for_the_title() {
        let long = "Led by Deputy Foreign Minister Mikhail Bogdanov, the delegation met with key Syrian officials";
        let cut = title(long);
        assert!(
            cut.ends_with('…') && cut.chars().count() <= TITLE_CHARS + 1,
            "{cut}"
        );
        assert!(long.starts_with(cut.trim_end_matches('…')), "{cut}");
        assert_eq!(title("Short."), "Short.");
    }
}
