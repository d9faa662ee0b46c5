//! Where things stand in a rules file's text: the line of each `[[rule]]` table, of its keys
//! and of the items of its lists, and of the top-level keys, read from toml_edit's spans, so
//! that every error and warning about the file names its line.

use std::collections::HashMap;

/// Line numbers (from 1) of a rules file's parts. Empty when the text is not TOML (then the
/// syntax error carries its own line).
#[derive(Debug, Default)]
pub(super) struct Positions {
    top: HashMap<String, usize>,
    rules: Vec<RulePositions>,
}

/// Line numbers of one rule table.
#[derive(Debug, Default)]
struct RulePositions {
    /// Its `[[rule]]` header (or where its inline table starts).
    header: Option<usize>,
    /// Its `id` value, to find it again from a checked rule.
    id: Option<String>,
    /// Each key's line.
    keys: HashMap<String, usize>,
    /// For keys holding a list, each item's line.
    items: HashMap<String, Vec<Option<usize>>>,
}

impl Positions {
    /// Reads the positions of `text`'s parts.
    pub(super) fn new(text: &str) -> Self {
        let Ok(doc) = toml_edit::ImDocument::parse(text) else {
            return Self::default();
        };
        let line = |span: Option<std::ops::Range<usize>>| span.map(|s| line_of(text, s.start));
        let root = doc.as_table();
        let top = root
            .iter()
            .filter_map(|(key, _)| Some((key.to_string(), line(root.key(key)?.span())?)))
            .collect();
        // Each rule's header line and table (none for a list item that is not a table).
        let tables: Vec<(Option<usize>, Option<&dyn toml_edit::TableLike>)> = match root.get("rule")
        {
            Some(toml_edit::Item::ArrayOfTables(tables)) => tables
                .iter()
                .map(|t| (line(t.span()), Some(t as &dyn toml_edit::TableLike)))
                .collect(),
            Some(toml_edit::Item::Value(toml_edit::Value::Array(values))) => values
                .iter()
                .map(|v| {
                    let table = v.as_inline_table().map(|t| t as &dyn toml_edit::TableLike);
                    (line(v.span()), table)
                })
                .collect(),
            _ => Vec::new(),
        };
        let rules = tables
            .into_iter()
            .map(|(header, table)| match table {
                Some(table) => rule_positions(header, table, &line),
                None => RulePositions {
                    header,
                    ..RulePositions::default()
                },
            })
            .collect();
        Self { top, rules }
    }

    /// The line of top-level key `key`.
    pub(super) fn top_key(&self, key: &str) -> Option<usize> {
        self.top.get(key).copied()
    }

    /// The line of rule `rule`'s header (rules counted from 0 in file order).
    pub(super) fn rule(&self, rule: usize) -> Option<usize> {
        self.rules.get(rule)?.header
    }

    /// The line of key `key` of rule `rule`, else of the rule's header.
    pub(super) fn key(&self, rule: usize, key: &str) -> Option<usize> {
        let positions = self.rules.get(rule)?;
        positions.keys.get(key).copied().or(positions.header)
    }

    /// The line of item `n` (from 0) of the list under `key` in rule `rule`, else of the key.
    pub(super) fn item(&self, rule: usize, key: &str, n: usize) -> Option<usize> {
        let positions = self.rules.get(rule)?;
        let item = positions.items.get(key).and_then(|items| *items.get(n)?);
        item.or_else(|| self.key(rule, key))
    }

    /// The file position (from 0) of the rule whose id is `id`.
    pub(super) fn rule_with_id(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id.as_deref() == Some(id))
    }
}

/// The positions of one rule table whose header is on line `header`; `line` turns a span
/// into its line.
fn rule_positions(
    header: Option<usize>,
    table: &dyn toml_edit::TableLike,
    line: &dyn Fn(Option<std::ops::Range<usize>>) -> Option<usize>,
) -> RulePositions {
    RulePositions {
        header,
        id: table
            .get("id")
            .and_then(toml_edit::Item::as_str)
            .map(|id| id.trim().to_string()),
        keys: table
            .iter()
            .filter_map(|(key, _)| Some((key.to_string(), line(table.key(key)?.span())?)))
            .collect(),
        items: table
            .iter()
            .filter_map(|(key, item)| {
                let lines = item.as_array()?.iter().map(|v| line(v.span())).collect();
                Some((key.to_string(), lines))
            })
            .collect(),
    }
}

/// The 1-based line of byte `offset` of `text`.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_keys_and_list_items_have_their_lines() {
        let text = "# rules\nbogus = 1\n\n[[rule]]\nid = \"a\"\nquestions = [\n  \"hi\",\n  \"yo\",\n]\n\n[[rule]]\nid = \"b\"\nanswer = \"x\"\n";
        let p = Positions::new(text);
        assert_eq!(p.top_key("bogus"), Some(2));
        assert_eq!(p.rule(0), Some(4));
        assert_eq!(p.key(0, "id"), Some(5));
        assert_eq!(p.item(0, "questions", 1), Some(8));
        assert_eq!(
            p.key(0, "answer"),
            Some(4),
            "a missing key falls back to the header"
        );
        assert_eq!(p.rule(1), Some(11));
        assert_eq!(p.key(1, "answer"), Some(13));
        assert_eq!(p.rule_with_id("b"), Some(1));
        let inline = "rule = [{ id = \"a\" },\n  { id = \"b\", answer = 5 }]\n";
        let p = Positions::new(inline);
        assert_eq!(p.key(1, "answer"), Some(2));
        assert!(Positions::new("[[rule]\n").rule(0).is_none());
    }
}
