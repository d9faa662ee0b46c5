//! The languages the bot replies in ([`Lang`]: English, Russian, Arabic), read from a
//! language tag (Telegram's `language_code`, `/language ru`) or a POSIX locale (`LANG`), and
//! how a chat's reply language is chosen ([`Choice`]: the chat's `/language`, else the
//! sender's app language, else English).

/// A language the bot's own texts are written in (`src/chat/locales/<code>.ftl`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English, the default and the fallback for a text another language lacks.
    #[default]
    En,
    /// Russian.
    Ru,
    /// Arabic, written right to left.
    Ar,
}

impl Lang {
    /// Every language, in the order `/language` lists them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Ru, Lang::Ar];

    /// The language a BCP 47 language tag names, by its primary subtag in any case
    /// (`"ru"`, `"ru-RU"`, `"AR_eg"`, `"en-GB"`); a POSIX locale's encoding and modifier
    /// (`ru_RU.UTF-8`, `ar_EG@latin`) are ignored too. `None` for a language the bot does not
    /// speak, or for no language at all (`""`, `"C"`, `"POSIX"`).
    ///
    /// ```
    /// use article_qa::chat::lang::Lang;
    /// assert_eq!(Lang::from_code("ru-RU"), Some(Lang::Ru));
    /// assert_eq!(Lang::from_code("de"), None);
    /// ```
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code
            .trim()
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|lang| primary.eq_ignore_ascii_case(lang.code()))
    }

    /// The language of a POSIX locale environment, given the values of `LC_ALL`,
    /// `LC_MESSAGES` and `LANG` in that order (unset ones as `None`): the first one set and
    /// not empty decides, as POSIX says, so `LC_ALL=C` means no language even when `LANG`
    /// names one. `None` when none is set or the deciding one names no language the bot
    /// speaks.
    pub fn from_locale<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> Option<Lang> {
        let deciding = values
            .into_iter()
            .flatten()
            .find(|v| !v.trim().is_empty())?;
        Lang::from_code(deciding)
    }

    /// The language's two-letter ISO 639-1 code (`"en"`, `"ru"`, `"ar"`), as Telegram's
    /// `language_code` and `/language` give it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Ar => "ar",
        }
    }

    /// True for a language written right to left (Arabic), whose texts get the marks of
    /// [`crate::chat::bidi`].
    pub fn is_rtl(self) -> bool {
        self == Lang::Ar
    }
}

/// How a chat's reply language is chosen: the chat's own choice (`/language`) wins, else the
/// sender's app language, else English.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Choice {
    /// What `/language` chose for the chat; `None` follows each sender's language.
    pub chat: Option<Lang>,
    /// The sender's app language when the bot speaks it (Telegram's `language_code`, the
    /// console's `LANG`).
    pub sender: Option<Lang>,
}

impl Choice {
    /// A choice from the chat's stored setting and the sender's language tag (either may
    /// be missing; a tag naming a language the bot does not speak counts as none).
    pub fn new(chat: Option<Lang>, sender_code: Option<&str>) -> Self {
        Self {
            chat,
            sender: sender_code.and_then(Lang::from_code),
        }
    }

    /// The language to reply in.
    pub fn lang(self) -> Lang {
        self.chat.or(self.sender).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_and_locales_name_a_language_by_their_primary_subtag() {
        for (code, lang) in [
            ("en", Some(Lang::En)),
            ("ru", Some(Lang::Ru)),
            ("ar", Some(Lang::Ar)),
            ("ru-RU", Some(Lang::Ru)),
            ("RU", Some(Lang::Ru)),
            ("en-GB", Some(Lang::En)),
            ("ar-EG", Some(Lang::Ar)),
            ("ru_RU.UTF-8", Some(Lang::Ru)),
            ("ar_SA.utf8@latin", Some(Lang::Ar)),
            (" en ", Some(Lang::En)),
            ("de", None),
            ("pt-br", None),
            ("rus", None),
            ("english", None),
            ("r", None),
            ("", None),
            ("C", None),
            ("C.UTF-8", None),
            ("POSIX", None),
            ("-ru", None),
            ("ру", None),
        ] {
            assert_eq!(Lang::from_code(code), lang, "{code:?}");
        }
    }

    #[test]
    fn the_first_locale_variable_set_decides() {
        let cases: [([Option<&str>; 3], Option<Lang>); 6] = [
            ([None, None, Some("ru_RU.UTF-8")], Some(Lang::Ru)),
            (
                [None, Some("ar_EG.UTF-8"), Some("ru_RU.UTF-8")],
                Some(Lang::Ar),
            ),
            ([Some("C"), None, Some("ru_RU.UTF-8")], None),
            ([Some(""), None, Some("ru_RU.UTF-8")], Some(Lang::Ru)),
            ([Some("de_DE.UTF-8"), None, Some("ru_RU.UTF-8")], None),
            ([None, None, None], None),
        ];
        for (values, lang) in cases {
            assert_eq!(Lang::from_locale(values), lang, "{values:?}");
        }
    }

    #[test]
    fn the_chats_choice_beats_the_senders_language_which_beats_english() {
        assert_eq!(Choice::new(Some(Lang::Ar), Some("ru")).lang(), Lang::Ar);
        assert_eq!(Choice::new(None, Some("ru-RU")).lang(), Lang::Ru);
        assert_eq!(Choice::new(None, Some("de")).lang(), Lang::En);
        assert_eq!(Choice::new(None, None).lang(), Lang::En);
        assert_eq!(Choice::new(Some(Lang::En), Some("ar")).lang(), Lang::En);
    }

    #[test]
    fn codes_read_back_as_their_language() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
    }
}
