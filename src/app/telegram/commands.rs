//! The bot's commands as teloxide sees them: [`BotCommands`] for [`crate::chat::Command`],
//! read from the one command table [`COMMANDS`], so `filter_command`, `setMyCommands` and
//! `/help` agree. Telegram's `/command@botname` form is handled here. teloxide's trait knows
//! one language, English; the command menu of each language is [`menu`].

use std::sync::LazyLock;

use teloxide::types::BotCommand;
use teloxide::utils::command::{BotCommands, CommandDescription, CommandDescriptions, ParseError};

use crate::chat::lang::Lang;
use crate::chat::reply;
use crate::chat::{COMMANDS, Command};

/// The listed (not hidden) commands' names and English descriptions.
static ENGLISH: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
    (COMMANDS.iter().filter(|info| !info.hidden))
        .map(|info| (info.name, reply::description(info, Lang::En)))
        .collect()
});

/// The title of the English command list.
static ENGLISH_TITLE: LazyLock<String> = LazyLock::new(|| reply::command_list_title(Lang::En));

/// The listed (not hidden) commands, as teloxide describes them (in English).
static DESCRIPTIONS: LazyLock<Vec<CommandDescription<'static>>> = LazyLock::new(|| {
    ENGLISH
        .iter()
        .map(|(name, description)| CommandDescription {
            prefix: "/",
            command: name,
            aliases: &[],
            description,
        })
        .collect()
});

impl BotCommands for Command {
    /// Reads `/name args` or `/name@botname args` (split at the first space; the bot's name
    /// in any case).
    ///
    /// Errors: [`ParseError::WrongBotName`] for a command addressed to another bot,
    /// [`ParseError::UnknownCommand`] for a name the bot does not have.
    fn parse(text: &str, bot_username: &str) -> Result<Self, ParseError> {
        let (head, args) = text.split_once(' ').unwrap_or((text, ""));
        let mut parts = head.split('@');
        let name = parts.next().unwrap_or_default();
        match parts.next() {
            Some(bot) if !bot.eq_ignore_ascii_case(bot_username) => {
                return Err(ParseError::WrongBotName(bot.to_string()));
            }
            _ => {}
        }
        name.strip_prefix('/')
            .and_then(|name| Command::new(name, args))
            .ok_or_else(|| ParseError::UnknownCommand(name.to_string()))
    }

    /// The listed commands, under the title `/help` uses (in English).
    fn descriptions() -> CommandDescriptions<'static> {
        CommandDescriptions::new(&DESCRIPTIONS).global_description(&ENGLISH_TITLE)
    }

    /// The listed commands for `setMyCommands`, named with their `/`.
    fn bot_commands() -> Vec<BotCommand> {
        DESCRIPTIONS
            .iter()
            .map(|d| BotCommand::new(format!("/{}", d.command), d.description))
            .collect()
    }
}

/// The command menu for `setMyCommands` in `lang`: the listed commands, named without the
/// leading `/` as the Bot API requires, described in `lang`.
pub fn menu(lang: Lang) -> Vec<BotCommand> {
    (COMMANDS.iter().filter(|info| !info.hidden))
        .map(|info| BotCommand::new(info.name, reply::description(info, lang)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::reply::{CommandList, Help};

    #[test]
    fn the_command_menu_has_names_without_slashes() {
        let names: Vec<String> = menu(Lang::En).into_iter().map(|c| c.command).collect();
        assert!(
            names.iter().all(|n| !n.starts_with('/') && !n.is_empty()),
            "{names:?}"
        );
        assert!(names.contains(&"ask".to_string()) && names.contains(&"reset".to_string()));
        assert!(
            !names.contains(&"reload".to_string()),
            "admin-only /reload is listed"
        );
    }

    #[test]
    fn teloxides_descriptions_are_the_help_text_list() {
        let listed = Command::descriptions().to_string();
        assert_eq!(listed, CommandList(Lang::En).to_string());
        assert!(Help(Lang::En).to_string().contains(&listed));
        let english: Vec<BotCommand> = Command::bot_commands();
        let menu = menu(Lang::En);
        assert_eq!(english.len(), menu.len());
        for (command, item) in english.iter().zip(&menu) {
            assert_eq!(command.command, format!("/{}", item.command));
            assert_eq!(command.description, item.description);
        }
    }

    #[test]
    fn every_languages_menu_lists_the_same_commands_described_in_that_language() {
        let names = |lang| {
            menu(lang)
                .into_iter()
                .map(|c| c.command)
                .collect::<Vec<_>>()
        };
        for lang in Lang::ALL {
            assert_eq!(names(lang), names(Lang::En));
            for item in menu(lang) {
                let chars = item.description.chars().count();
                assert!((1..=256).contains(&chars), "{lang:?} /{}", item.command);
            }
        }
        let russian = menu(Lang::Ru);
        assert_eq!(
            russian[0].description,
            "Поздороваться и показать примеры вопросов."
        );
    }

    #[test]
    fn commands_parse_with_or_without_this_bots_name() {
        let bot = "ArticleQaBot";
        for (text, parsed) in [
            ("/help", Some(Command::Help)),
            ("/help@articleqabot", Some(Command::Help)),
            ("/ask@ArticleQaBot Who?", Some(Command::Ask("Who?".into()))),
            ("/ask", Some(Command::Ask(String::new()))),
            ("/reload", Some(Command::Reload)),
            ("/help@OtherBot", None),
            ("/nosuch", None),
            ("help", None),
            ("/Help", Some(Command::Help)),
            ("/HELP@ARTICLEQABOT", Some(Command::Help)),
        ] {
            assert_eq!(
                <Command as BotCommands>::parse(text, bot).ok(),
                parsed,
                "{text:?}"
            );
        }
        assert!(matches!(
            <Command as BotCommands>::parse("/help@OtherBot", bot),
            Err(ParseError::WrongBotName(name)) if name == "OtherBot"
        ));
    }
}
