# The bot's own texts in English: the default language, and the fallback for a message
# another language lacks. Every file under src/chat/locales/ has the same messages (the
# tests check it); src/chat/l10n.rs lists them and says which variables each one gets.
# Quotes from the articles are never here: they are shown as the article has them.

language-name = English

## /start

start-hello = Hi! I answer questions about { $titles } by quoting the article itself.
start-try = Try asking:
start-example-who = Who … ? (a person the article names)
start-example-when = When did … ? (an event it reports)
start-example-where = Where … ? (a place it mentions)
start-help = Send /help to see everything I can do.

## /help and the command menu

help-intro = Ask me a question about the article in plain words and I reply with the article's own sentences that answer it, with their paragraph number (¶). If the article does not say, I tell you so.
help-commands = Commands:
help-groups = In groups, use /ask <question>, mention me, or reply to my message.
command-start = Say hello and show example questions.
command-help = Show what I can do.
command-about = Show the article's title, date, source and size.
command-ask = Ask a question about the article: /ask and your question
command-reset = Forget this conversation, so the next question starts fresh.
command-language = Choose the language of my replies: English, Russian or Arabic.
command-reload = Reload the FAQ rules file (admins only; not listed).
command-articles = List the articles I answer from.
command-article = Choose the article I answer from: /article 2, or /article all.

## Answers

not-found = The article does not say. Try asking about something it covers, or send /help.
not-found-short = The article does not say.
unknown-script = I can't read questions written in this script. Please ask in English, Russian or Arabic.
unknown-script-short = I can't read this script.
inline-not-found = The article does not say
inline-faq = From the bot's answers to common questions
answer-from = — from { $titles }
answer-group = From { $title }:

## /about

about-date = Date: { $date }
about-source = Source: { $source }
about-source-url = Source: { $source } ({ $url })
about-no-source = Source: not recorded
about-size =
    { $paragraphs } { $paragraphs ->
        [one] paragraph
       *[other] paragraphs
    }, { $sentences } { $sentences ->
        [one] sentence
       *[other] sentences
    }

## Commands, buttons and hints

ask-what = Ask me something after the command, for example: /ask { $example }
ask-what-plain = Ask me something about the article after the command: /ask and your question.
ask-mention = What would you like to know about the article? For example: { $example }
ask-mention-plain = What would you like to know about the article? Write your question after my name.
reset-done = Done — I've forgotten our conversation. Your next question starts fresh.
no-memory = I can't reach my conversation memory right now, so each question is answered on its own until it is back.
no-memory-article = I can't reach my conversation memory right now, so I can't keep an article for this chat: I answer from all of them until it is back.
button-more = More
button-paragraph = Show paragraph
button-read-article = Read the article
button-all-articles = All articles
nothing-more = That's all the article has on this.
button-stale = This button has expired. Please ask again.
button-invalid = This button is not valid here.
unknown-command = I don't know that command. Send /help to see what I can do.
text-only = I can only read text. Send me your question as a message.
something-went-wrong = Sorry, something went wrong on my side. Please try again.

## /reload (admins)

reload-no-file = No FAQ rules file is configured, so there is nothing to reload.
reload-done =
    Reloaded { $rules } FAQ { $rules ->
        [one] rule
       *[other] rules
    } from { $path }.
reload-skipped = Left out { $count } whose quotes these articles do not have:
reload-failed = The rules file has errors, so I kept the previous rules.

## The console chat

console-hint = (Type a question, /help for commands, /quit or Ctrl-D to leave.)
console-invalid-line = (That line was not valid text; please type it again.)
no-token = No Telegram token configured, so this is the console chat. To run the Telegram bot, put TELOXIDE_TOKEN=<token from @BotFather> in .env (see README).

## /language

language-current = I reply in { $language }.
language-why-chat = It was chosen for this chat with /language.
language-why-app = It is the language of your app.
language-why-default = It is the default: your app's language is none of mine.
language-options = To change it, send one of:
language-auto = each person's app language
language-changed = Done — I reply in { $language } in this chat from now on.
language-changed-auto = Done — I reply in each person's app language again (in English when it is none of mine).
language-unknown = I don't know the language “{ $code }”.

## /articles and /article

start-choose = Send /articles to see them, or /article <number> to ask about one.
articles-title =
    { $count ->
        [one] The article I answer from:
       *[other] The { $count } articles I answer from:
    }
articles-paragraphs =
    { $paragraphs } { $paragraphs ->
        [one] paragraph
       *[other] paragraphs
    }
articles-current-one = In this chat I answer from article { $number }, { $title }.
articles-current-all = In this chat I answer from all of them.
articles-choose = Send /article <number> to ask about one, or /article all for all of them.
article-chosen = Done — in this chat I answer from { $title } now. Send /article all to ask about every article again.
article-all = Done — in this chat I answer from all { $count } articles again.
article-unknown = There is no article “{ $arg }”. Send /article with a number from 1 to { $count }, or /article all.
