//! The routing table and its handlers. Filtering happens in the tree (commands, the admin
//! check on `/reload`, questions addressed to the bot), so each handler only translates: it
//! gets typed values, asks [`crate::chat`] or [`crate::chat::buttons`], and sends the result
//! rendered by [`super::html`].

use std::sync::Arc;
use std::time::Instant;

use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, Me, MessageId, ParseMode, UpdateKind};
use teloxide::{ApiError, RequestError};
use tracing::{debug, error, info, warn};

use super::BotT;
use super::flood::chat_of;
use super::html::{answer_html, paragraph_html, response_html, text_html};
use super::metrics;
use super::send::{
    Buttons, HandlerError, HandlerResult, Keyboard, Target, answer_buttons, contain_panic, guarded,
    send, send_reply,
};
use super::state::State;
use crate::chat::buttons::{self, Pressed, Refused};
use crate::chat::lang::{Choice, Lang};
use crate::chat::reply::Fixed;
use crate::chat::{self, Command, Response, Turn};
use crate::engine::Engine;
use crate::engine::answer::Answer;
use crate::engine::conversation::now;

/// The routing table: first the update leaves its chat's backlog, and a message repeating
/// the one before it within seconds is dropped, as is any message from another bot; then a
/// group's move to a
/// supergroup, commands (`/reload` only from an admin: from anyone else it goes on as a
/// command the bot does not offer them), questions, unknown commands, other messages, language
/// button presses, answer button presses.
pub fn schema() -> UpdateHandler<HandlerError> {
    let reload = dptree::filter(is_admin_reload).endpoint(reload_rules);
    let commands = teloxide::filter_command::<Command, _>()
        .branch(reload)
        .branch(dptree::endpoint(answer_command));
    let questions = dptree::filter_map(addressed_question).endpoint(answer_question);
    let unknown_commands = dptree::filter(|msg: Message| {
        msg.chat.is_private() && msg.text().is_some_and(|t| t.starts_with('/'))
    })
    .endpoint(answer_unknown_command);
    let others = dptree::filter(|msg: Message| msg.chat.is_private()).endpoint(answer_other);
    let migrations = dptree::filter_map(migration).endpoint(move_conversation);
    let messages = Update::filter_message()
        .branch(migrations)
        .branch(commands)
        .branch(questions)
        .branch(unknown_commands)
        .branch(others);
    let edits = Update::filter_edited_message()
        .filter_map(edited_question)
        .endpoint(answer_edit);
    let languages = Update::filter_callback_query()
        .filter_map(|query: CallbackQuery| super::buttons::language_of(query.data.as_deref()?))
        .endpoint(answer_language_button);
    let articles = Update::filter_callback_query()
        .filter_map(|query: CallbackQuery| super::buttons::article_of(query.data.as_deref()?))
        .endpoint(answer_article_button);
    let callbacks = Update::filter_callback_query().endpoint(answer_button);
    let inline = Update::filter_inline_query().endpoint(super::inline::answer_inline);
    dptree::entry()
        .inspect(|update: Update, state: Arc<State>| {
            if let Some(chat) = chat_of(&update) {
                state.backlog.taken(chat);
            }
        })
        // Before the repeat check: another bot's message is not the chat's last question.
        .filter(|update: Update| !from_a_bot(&update))
        .filter(|update: Update, state: Arc<State>| !is_repeat(&update, &state))
        .branch(messages)
        .branch(edits)
        .branch(languages)
        .branch(articles)
        .branch(callbacks)
        .branch(inline)
}

/// True for a message (or an edit of one) another bot sent: two bots answering each other
/// never stop, and bridge bots relaying other chats are ignored too. A group's anonymous
/// admin and messages sent as a channel come from Telegram's own bot accounts with
/// `sender_chat` set; they are people's messages and kept.
fn from_a_bot(update: &Update) -> bool {
    let (UpdateKind::Message(msg) | UpdateKind::EditedMessage(msg)) = &update.kind else {
        return false;
    };
    msg.from.as_ref().is_some_and(|user| user.is_bot) && msg.sender_chat.is_none()
}

/// True for a question (a text, a caption or `/ask …`) repeating the chat's message before it
/// within [`REPEAT_WINDOW`](super::flood::REPEAT_WINDOW): 50 identical questions in a second
/// get one answer. Other commands are never repeats (two `/reload`s in a row both reload), and
/// any other message in between (a command, a sticker) makes the next question new.
fn is_repeat(update: &Update, state: &State) -> bool {
    let UpdateKind::Message(msg) = &update.kind else {
        return false;
    };
    let question = msg.text().or_else(|| msg.caption()).filter(|text| {
        let command = text.strip_prefix('/');
        command.is_none_or(|c| c.get(..3).is_some_and(|w| w.eq_ignore_ascii_case("ask")))
    });
    let Some(text) = question else {
        state.repeats.forget(msg.chat.id);
        return false;
    };
    let repeat = state
        .repeats
        .is_repeat(msg.chat.id, text, msg.date.timestamp());
    if repeat {
        debug!("a message repeated within seconds is answered once");
    }
    repeat
}

/// A group upgraded to a supergroup: its old and new chat ids.
#[derive(Debug, Clone, Copy)]
struct Migration {
    from: ChatId,
    to: ChatId,
}

/// The move a service message announces: `migrate_to_chat_id` in the old group,
/// `migrate_from_chat_id` in the new supergroup (Telegram sends both).
fn migration(msg: Message) -> Option<Migration> {
    if let Some(&to) = msg.migrate_to_chat_id() {
        return Some(Migration {
            from: msg.chat.id,
            to,
        });
    }
    msg.migrate_from_chat_id().map(|&from| Migration {
        from,
        to: msg.chat.id,
    })
}

/// Moves a migrated group's conversation to its supergroup (the second notice finds nothing
/// left to move). A reply refused with `migrate_to_chat_id` moves it too, in `send`.
async fn move_conversation(migration: Migration, state: Arc<State>) -> HandlerResult {
    state
        .contexts
        .move_chat(migration.from.0, migration.to.0)
        .await;
    info!("a group became a supergroup; its conversation moved with it");
    Ok(())
}

/// A question addressed to the bot, with any mention of the bot removed.
#[derive(Debug, Clone)]
struct Question(String);

/// The text or caption of a message addressed to the bot: any text in a private chat; in a
/// group, one that mentions the bot or replies to one of its messages. Commands for other
/// bots (`/help@OtherBot`) are not questions.
fn addressed_question(msg: Message, me: Me) -> Option<Question> {
    let text = msg.text().or_else(|| msg.caption())?;
    if text.starts_with('/') {
        return None;
    }
    let mention = format!("@{}", me.username());
    if msg.chat.is_private() {
        return Some(Question(strip_mention(text, &mention)));
    }
    let mentioned = find_mention(text, &mention).is_some();
    let replies_to_bot = msg
        .reply_to_message()
        .and_then(|m| m.from.as_ref())
        .is_some_and(|u| u.id == me.user.id);
    (mentioned || replies_to_bot).then(|| Question(strip_mention(text, &mention)))
}

fn strip_mention(text: &str, mention: &str) -> String {
    match find_mention(text, mention) {
        Some(i) => {
            let (before, after) = (text[..i].trim_end(), text[i + mention.len()..].trim_start());
            format!("{before} {after}").trim().to_string()
        }
        None => text.trim().to_string(),
    }
}

/// Byte offset of `mention` (ASCII, as Telegram usernames are) in `text`, ignoring case.
fn find_mention(text: &str, mention: &str) -> Option<usize> {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.char_indices().map(|(i, _)| i).find(|&i| {
        let matches = text
            .as_bytes()
            .get(i..i + mention.len())
            .is_some_and(|window| window.eq_ignore_ascii_case(mention.as_bytes()));
        // `@article_qa_bot` is not mentioned in `@article_qa_bot_fan`.
        matches && !text[i + mention.len()..].starts_with(is_name_char)
    })
}

/// True for `/reload` sent by one of the bot's admins.
fn is_admin_reload(command: Command, msg: Message, state: Arc<State>) -> bool {
    command == Command::Reload && msg.from.as_ref().is_some_and(|u| state.is_admin(u.id.0))
}

/// `/reload` from an admin: the rules are reloaded (or kept, with the reason) and the admin
/// told which.
async fn reload_rules(bot: BotT, msg: Message, state: Arc<State>) -> HandlerResult {
    let target = Target::reply_to(&msg);
    let lang = state.choice(msg.chat.id, msg.from.as_ref()).await.lang();
    guarded(&bot, &state, target, lang, async {
        let html = response_html(&state.reload(lang), lang);
        send(&bot, &state, &target, html, None).await
    })
    .await
}

/// Any other command (a non-admin's `/reload` included, answered as unknown).
async fn answer_command(
    bot: BotT,
    msg: Message,
    command: Command,
    state: Arc<State>,
) -> HandlerResult {
    let choice = state.choice(msg.chat.id, msg.from.as_ref()).await;
    guarded(&bot, &state, Target::reply_to(&msg), choice.lang(), async {
        let question = match &command {
            Command::Ask(question) => question.clone(),
            _ => String::new(),
        };
        let turn = Turn::Command(command);
        answer_turn(&bot, &msg, &state, turn, &question, choice).await
    })
    .await
}

async fn answer_question(
    bot: BotT,
    msg: Message,
    question: Question,
    state: Arc<State>,
) -> HandlerResult {
    let choice = state.choice(msg.chat.id, msg.from.as_ref()).await;
    guarded(&bot, &state, Target::reply_to(&msg), choice.lang(), async {
        let turn = Turn::Question(question.0.clone());
        answer_turn(&bot, &msg, &state, turn, &question.0, choice).await
    })
    .await
}

/// Answers a turn in the chat's conversation context and sends the reply in the chat's
/// language (`choice`; a `/language` turn changes and saves it), with buttons under an
/// article answer.
async fn answer_turn(
    bot: &BotT,
    msg: &Message,
    state: &State,
    turn: Turn,
    question: &str,
    mut choice: Choice,
) -> HandlerResult {
    let started = Instant::now();
    let chat = msg.chat.id;
    let is_question = matches!(turn, Turn::Question(_) | Turn::Command(Command::Ask(_)));
    let (response, buttons) = respond_in_context(state, chat, &turn, &mut choice).await;
    if response == Response::UnknownCommand && !chat.is_user() {
        return Ok(());
    }
    let html = response_html(&response, choice.lang());
    let keyboard = match response {
        Response::LanguageOptions(_) => Some(Keyboard::Languages),
        Response::ArticleOptions(_) => article_buttons(state, choice.lang()),
        _ => buttons.map(Keyboard::from),
    };
    let sent = send_reply(bot, state, &Target::reply_to(msg), html, keyboard).await?;
    if let Some(answer) = sent.filter(|_| is_question) {
        state.answered(chat, msg.id, answer);
    }
    state.log_unanswered(question, &response);
    metrics::ANSWERS
        .with_label_values(&[response.source()])
        .inc();
    metrics::ANSWER_SECONDS.observe(started.elapsed().as_secs_f64());
    log_update(msg, question.chars().count(), response.source(), started);
    Ok(())
}

/// A person edited a question the bot answered: its answer is edited to answer the question
/// as it reads now (a turn of the conversation, so the buttons act on the new answer). An
/// edit to a message the bot never answered, or past the edit window, is ignored.
async fn answer_edit(
    bot: BotT,
    msg: Message,
    question: Question,
    state: Arc<State>,
) -> HandlerResult {
    let Some(answer) = state.answer_to(msg.chat.id, msg.id) else {
        debug!("an edited message the bot did not answer (or answered too long ago) is ignored");
        return Ok(());
    };
    let choice = state.choice(msg.chat.id, msg.from.as_ref()).await;
    guarded(&bot, &state, Target::reply_to(&msg), choice.lang(), async {
        edit_answer(&bot, &msg, &state, &question.0, answer, choice).await
    })
    .await
}

/// Edits `answer` to answer `question` as it reads now; a new answer that needs more than one
/// message, or an answer Telegram will not edit (deleted, too old), is sent as a new reply.
async fn edit_answer(
    bot: &BotT,
    msg: &Message,
    state: &State,
    question: &str,
    answer: MessageId,
    mut choice: Choice,
) -> HandlerResult {
    let started = Instant::now();
    let chat = msg.chat.id;
    let turn = Turn::Question(question.to_string());
    let (response, buttons) = respond_in_context(state, chat, &turn, &mut choice).await;
    let html = response_html(&response, choice.lang());
    let edited = match html.as_slice() {
        [one] => {
            let markup = match &buttons {
                Some(buttons) => answer_buttons(state, chat.0, buttons),
                // An answer without buttons loses the old ones (they were the old answer's).
                None => InlineKeyboardMarkup::default(),
            };
            let edit = bot
                .edit_message_text(chat, answer, one.clone())
                .parse_mode(ParseMode::Html)
                .reply_markup(markup)
                .await;
            match edit {
                Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => true,
                Err(RequestError::Api(
                    ApiError::MessageToEditNotFound | ApiError::MessageCantBeEdited,
                )) => false,
                Err(e) => {
                    warn!("editing an answer failed: {}", super::shown(&e));
                    true
                }
            }
        }
        _ => false,
    };
    if !edited {
        let keyboard = buttons.map(Keyboard::from);
        let sent = send_reply(bot, state, &Target::reply_to(msg), html, keyboard).await?;
        if let Some(sent) = sent {
            state.answered(chat, msg.id, sent);
        }
    }
    state.log_unanswered(question, &response);
    metrics::ANSWERS
        .with_label_values(&[response.source()])
        .inc();
    log_update(msg, question.chars().count(), response.source(), started);
    Ok(())
}

/// The question an edited message asks: as [`addressed_question`] reads a message, or the
/// text of an `/ask` command (for this bot).
fn edited_question(msg: Message, me: Me) -> Option<Question> {
    let text = msg.text().or_else(|| msg.caption())?;
    if text.starts_with('/') {
        return match <Command as teloxide::utils::command::BotCommands>::parse(text, me.username())
        {
            Ok(Command::Ask(question)) if !question.trim().is_empty() => Some(Question(question)),
            _ => None,
        };
    }
    addressed_question(msg, me)
}

/// The response to `turn` in `chat`'s conversation context (saved again after), with the
/// buttons for an article answer; a `/language` that changed the chat's choice saves it too.
async fn respond_in_context(
    state: &State,
    chat: ChatId,
    turn: &Turn,
    choice: &mut Choice,
) -> (Response, Option<Buttons>) {
    let engine = state.engine();
    let chosen = choice.chat;
    let answered = match state.contexts.load(chat.0).await {
        Some(mut context) => {
            let response = chat::respond(&engine, turn, &mut context, choice, now(), state.ttl);
            let buttons = match (&response, &context.answer) {
                (Response::Answer(answer @ Answer::Article(_)), Some(last)) => {
                    Some(buttons_under(&engine, answer, last.id, choice.lang()))
                }
                _ => None,
            };
            // A reset context that keeps only the chat's article is saved, not cleared.
            if *turn == Turn::Command(Command::Reset) && context == Default::default() {
                state.contexts.clear(chat.0).await;
            } else {
                state.contexts.save(chat.0, context).await;
            }
            (response, buttons)
        }
        // The context store is unavailable (Redis down): no buttons, as they could only expire.
        None => (
            chat::respond_without_memory(&engine, turn, choice, now(), state.ttl),
            None,
        ),
    };
    if choice.chat != chosen {
        state.contexts.set_language(chat.0, choice.chat).await;
    }
    answered
}

/// A command the bot does not have, in a private chat (groups: other bots' commands).
async fn answer_unknown_command(bot: BotT, msg: Message, state: Arc<State>) -> HandlerResult {
    let target = Target::reply_to(&msg);
    let lang = state.choice(msg.chat.id, msg.from.as_ref()).await.lang();
    guarded(&bot, &state, target, lang, async {
        let started = Instant::now();
        let html = response_html(&Response::UnknownCommand, lang);
        send(&bot, &state, &target, html, None).await?;
        log_update(&msg, 0, "unknown command", started);
        Ok(())
    })
    .await
}

/// Stickers, photos without a caption, voice, locations…: a hint that only text is read.
async fn answer_other(bot: BotT, msg: Message, state: Arc<State>) -> HandlerResult {
    let target = Target::reply_to(&msg);
    let lang = state.choice(msg.chat.id, msg.from.as_ref()).await.lang();
    guarded(&bot, &state, target, lang, async {
        let started = Instant::now();
        let hint = text_html(&Fixed::TextOnly.text(lang), lang);
        send(&bot, &state, &target, hint, None).await?;
        log_update(&msg, 0, "not text", started);
        Ok(())
    })
    .await
}

/// A button press: checked (version, signature for this chat, answer still current) and
/// answered at once — with a short notice when refused — so the client stops its spinner
/// before the reply is sent (a reply held up by a flood wait would otherwise make the answer
/// "query is too old"); then the reply is sent. The press is answered whatever happens while
/// checking it, a panic included.
async fn answer_button(bot: BotT, query: CallbackQuery, state: Arc<State>) -> HandlerResult {
    let started = Instant::now();
    let Some(message) = &query.message else {
        let lang = Choice::new(None, query.from.language_code.as_deref()).lang();
        bot.answer_callback_query(query.id.clone())
            .text(Fixed::InvalidButton.text(lang))
            .await?;
        return Ok(());
    };
    let target = Target::under(message);
    let lang = state.choice(target.chat, Some(&query.from)).await.lang();
    let pressing = press_button(&state, target.chat, &query, lang);
    let pressed = match contain_panic(Box::pin(pressing)).await {
        Ok(pressed) => Some(pressed),
        Err(what) => {
            error!("checking a button press panicked; the press was answered as stale");
            debug!("the panic: {what}");
            None
        }
    };
    let notice = match &pressed {
        Some(Ok(_)) => None,
        Some(Err(notice)) => Some(*notice),
        None => Some(Fixed::StaleButton),
    };
    let mut answer = bot.answer_callback_query(query.id.clone());
    if let Some(notice) = notice {
        answer = answer.text(notice.text(lang));
    }
    let answered = answer.await;
    info!(ms = %format_args!("{:.1}", started.elapsed().as_secs_f64() * 1000.0), refused = notice.is_some(), "button pressed");
    if let Some(Ok((html, buttons))) = pressed {
        guarded(&bot, &state, target, lang, async {
            send(&bot, &state, &target, html, buttons.map(Keyboard::from)).await
        })
        .await?;
    }
    answered.map(|_| ()).map_err(HandlerError::from)
}

/// A press on a language button under `/language`: carried out as `/language <code>`.
async fn answer_language_button(
    bot: BotT,
    query: CallbackQuery,
    lang: Lang,
    state: Arc<State>,
) -> HandlerResult {
    let command = Command::Language(lang.code().to_string());
    answer_command_button(bot, query, command, state).await
}

/// A press on an article button under `/articles`: carried out as `/article <arg>`.
async fn answer_article_button(
    bot: BotT,
    query: CallbackQuery,
    arg: String,
    state: Arc<State>,
) -> HandlerResult {
    answer_command_button(bot, query, Command::Article(arg), state).await
}

/// A press on a button that stands for a command: answered at once, then carried out as
/// `command` in the chat of the message it is under (a message Telegram no longer shows the
/// bot changes nothing).
async fn answer_command_button(
    bot: BotT,
    query: CallbackQuery,
    command: Command,
    state: Arc<State>,
) -> HandlerResult {
    let answered = bot.answer_callback_query(query.id.clone()).await;
    if let Some(message) = &query.message {
        let target = Target::under(message);
        let mut choice = state.choice(target.chat, Some(&query.from)).await;
        guarded(&bot, &state, target, choice.lang(), async {
            let turn = Turn::Command(command);
            let (response, _) = respond_in_context(&state, target.chat, &turn, &mut choice).await;
            let html = response_html(&response, choice.lang());
            send(&bot, &state, &target, html, None).await
        })
        .await?;
    }
    answered.map(|_| ()).map_err(HandlerError::from)
}

/// The buttons under `/articles`, labelled in `lang`: one for each article and one for all,
/// when there are several articles and no more than a keyboard holds.
fn article_buttons(state: &State, lang: Lang) -> Option<Keyboard> {
    let engine = state.engine();
    let articles = &engine.corpus().articles;
    let titles: Vec<String> = articles.iter().map(|a| a.title.clone()).collect();
    // Past the buttons a keyboard holds, the list alone (no empty keyboard).
    let fits = (2..=super::send::MAX_ARTICLE_BUTTONS).contains(&titles.len());
    fits.then_some(Keyboard::Articles(titles, lang))
}

/// Checks and carries out a press: the reply to send (in `lang`) and the answer whose
/// buttons go under it, or the notice to show when refused.
async fn press_button(
    state: &State,
    chat: ChatId,
    query: &CallbackQuery,
    lang: Lang,
) -> Result<(Vec<String>, Option<Buttons>), Fixed> {
    let data = query.data.as_deref().unwrap_or_default();
    let button = match state.key.decode(chat.0, data) {
        Ok(button) => button,
        Err(Refused::Signature) => return Err(Fixed::InvalidButton),
        Err(Refused::Malformed | Refused::Stale) => return Err(Fixed::StaleButton),
    };
    let Some(mut context) = state.contexts.load(chat.0).await else {
        return Err(Fixed::StaleButton);
    };
    let engine = state.engine();
    let pressed = buttons::press(&engine, &mut context, button, now(), state.ttl);
    let id = context.answer.as_ref().map(|last| last.id);
    state.contexts.save(chat.0, context).await;
    match pressed {
        Err(_) => Err(Fixed::StaleButton),
        Ok(Pressed::NothingMore) => Err(Fixed::NothingMore),
        Ok(Pressed::More(answer)) => {
            let buttons = id.map(|id| buttons_under(&engine, &answer, id, lang));
            Ok((answer_html(&answer, lang), buttons))
        }
        Ok(Pressed::Paragraph {
            title,
            number,
            text,
        }) => Ok((paragraph_html(&title, number, &text, lang), None)),
    }
}

/// The buttons under `answer` (the chat context's answer `id`), labelled in `lang`, with
/// "Read the article" when the article of its first quote has an http(s) `url` in its
/// metadata.
fn buttons_under(engine: &Engine, answer: &Answer, id: u64, lang: Lang) -> Buttons {
    let url = match answer {
        Answer::Article(quotes) => quotes.first().and_then(|quote| {
            let article = (engine.corpus().articles.iter()).find(|a| a.name == quote.article)?;
            let url = url::Url::parse(article.meta.url.as_deref()?).ok()?;
            // Telegram refuses a button whose address is not a public web address (and then
            // the whole message): http(s), a host name with a dot, not too long.
            let public = url
                .host_str()
                .is_some_and(|h| h.contains('.') && h != "127.0.0.1");
            (matches!(url.scheme(), "http" | "https") && public && url.as_str().len() <= 2048)
                .then_some(url)
        }),
        _ => None,
    };
    Buttons {
        answer: id,
        url,
        lang,
    }
}

/// One info line per handled update: chat type, question length, answer source, latency.
/// Never the text.
fn log_update(msg: &Message, question_chars: usize, source: &str, started: Instant) {
    info!(
        chat = chat_kind(msg),
        question_chars,
        source,
        ms = %format_args!("{:.1}", started.elapsed().as_secs_f64() * 1000.0),
        "answered"
    );
}

fn chat_kind(msg: &Message) -> &'static str {
    if msg.chat.is_private() {
        "private"
    } else if msg.chat.is_group() {
        "group"
    } else if msg.chat.is_supergroup() {
        "supergroup"
    } else {
        "channel"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_removed_from_questions() {
        assert_eq!(strip_mention("@Bot who led it?", "@Bot"), "who led it?");
        assert_eq!(strip_mention("who led it, @bot?", "@Bot"), "who led it, ?");
        assert_eq!(strip_mention("no mention", "@Bot"), "no mention");
        assert_eq!(strip_mention("İİİ @BOT Было ли?", "@Bot"), "İİİ Было ли?");
        assert_eq!(find_mention("ask @Bot_fan instead", "@Bot"), None);
        assert_eq!(find_mention("ask @bot, please", "@Bot"), Some(4));
    }
}
