//! Telegram's HTML as the fake Bot API reads it: which tags and entities it accepts, the text
//! a user sees, and its length as Telegram counts it.

#![allow(dead_code)]

/// Telegram's HTML rules, as far as the bot uses them: only known tags, balanced, and `&`
/// only as `&lt;`, `&gt;`, `&amp;`, `&quot;`.
pub fn check_html(text: &str) -> Result<(), String> {
    const TAGS: [&str; 9] = [
        "b",
        "i",
        "u",
        "s",
        "code",
        "pre",
        "blockquote",
        "a",
        "tg-spoiler",
    ];
    let mut open: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['<', '&']) {
        let tail = &rest[i..];
        if tail.starts_with('&') {
            let entity = ["&lt;", "&gt;", "&amp;", "&quot;"]
                .iter()
                .find(|e| tail.starts_with(**e));
            match entity {
                Some(e) => rest = &tail[e.len()..],
                None => {
                    return Err(format!(
                        "unsupported entity at {:?}",
                        &tail[..tail.len().min(10)]
                    ));
                }
            }
            continue;
        }
        let end = tail.find('>').ok_or("unclosed tag")?;
        let tag = &tail[1..end];
        let (closing, name) = match tag.strip_prefix('/') {
            Some(name) => (true, name),
            None => (false, tag.split_whitespace().next().unwrap_or_default()),
        };
        if !TAGS.contains(&name) {
            return Err(format!("unsupported start tag {name:?}"));
        }
        if closing {
            if open.pop().as_deref() != Some(name) {
                return Err(format!("unexpected end tag {name:?}"));
            }
        } else {
            open.push(name.to_string());
        }
        rest = &tail[end + 1..];
    }
    if open.is_empty() {
        Ok(())
    } else {
        Err(format!("unclosed {open:?}"))
    }
}

/// The text a user sees: tags removed and entities decoded.
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with('<') {
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
        .find(|(e, _)| tail.starts_with(e));
        match entity {
            Some((e, c)) => {
                out.push(c);
                rest = &tail[e.len()..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Visible length in UTF-16 code units, as Telegram counts the 4,096 limit.
pub fn visible_len(html: &str) -> usize {
    strip_tags(html).encode_utf16().count()
}
