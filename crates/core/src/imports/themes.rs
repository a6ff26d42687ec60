//! Themes of customer comments: keyword rules, matching, and suggested new
//! themes from the phrases that recur among comments no theme covers.
//!
//! A rule is a theme name and keywords or phrases. A comment belongs to every
//! theme one of whose keywords appears in it as whole words, ignoring letter
//! case and punctuation: "call back" matches "Please call back!" but neither
//! "callback" nor "called back", so rules stay predictable (list each form
//! you mean).

use std::collections::HashMap;

use crate::fields::FieldError;

/// One theme: a name and the words or phrases that put a comment in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeRule {
    /// The theme's name, as shown.
    pub name: String,
    /// Keywords or phrases, already normalised to lower-case words joined by
    /// single spaces.
    pub keywords: Vec<String>,
}

/// The words of a text: lower case, letters and digits only (an apostrophe
/// inside a word is dropped, so "didn't" is "didnt").
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

impl ThemeRule {
    /// Parses a theme from its form fields: a name (1–60 characters) and
    /// keywords one per line or separated by commas (at least one, each up
    /// to 60 characters).
    pub fn parse(name: &str, keywords: &str) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            errors.push(FieldError::new(
                "name",
                "Enter a name of 1 to 60 characters, such as \u{201c}Waiting times\u{201d}.",
            ));
        }
        let mut parsed: Vec<String> = Vec::new();
        for raw in keywords.split([',', '\n']) {
            let phrase = words(raw).join(" ");
            if phrase.is_empty() {
                continue;
            }
            if phrase.chars().count() > 60 {
                errors.push(FieldError::new(
                    "keywords",
                    format!("\u{201c}{}\u{201d} is too long; keep each keyword under 60 characters.", raw.trim()),
                ));
            } else if !parsed.contains(&phrase) {
                parsed.push(phrase);
            }
        }
        if parsed.is_empty() && errors.iter().all(|e| e.field != "keywords") {
            errors.push(FieldError::new(
                "keywords",
                "Enter at least one keyword or phrase, one per line or separated by commas.",
            ));
        }
        if errors.is_empty() { Ok(Self { name: name.to_string(), keywords: parsed }) } else { Err(errors) }
    }

    /// The keywords as stored and edited: one per line.
    pub fn keywords_text(&self) -> String {
        self.keywords.join("\n")
    }

    /// Whether the comment (given as its [`words`]) contains one of the
    /// keywords as whole words.
    pub fn matches(&self, comment_words: &[String]) -> bool {
        self.keywords.iter().any(|keyword| {
            let wanted: Vec<&str> = keyword.split(' ').collect();
            comment_words.windows(wanted.len()).any(|w| w.iter().zip(&wanted).all(|(a, b)| a == b))
        })
    }
}

/// The indexes of the rules a comment matches, in rule order.
pub fn themes_of(comment: &str, rules: &[ThemeRule]) -> Vec<usize> {
    let comment_words = words(comment);
    rules.iter().enumerate().filter(|(_, r)| r.matches(&comment_words)).map(|(i, _)| i).collect()
}

/// Words too common to make a theme of.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been", "before", "but",
    "by", "can", "could", "did", "didnt", "do", "does", "dont", "for", "from", "get", "got", "had", "has", "have",
    "he", "her", "him", "his", "i", "if", "im", "in", "into", "is", "it", "its", "just", "me", "my", "no", "not", "of",
    "on", "one", "or", "our", "out", "she", "so", "that", "the", "their", "them", "then", "there", "they", "this",
    "to", "too", "up", "us", "very", "was", "we", "were", "what", "when", "which", "who", "will", "with", "would",
    "you", "your", "thank", "thanks",
];

/// A phrase that recurs among comments, with how many comments hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Two or three words.
    pub phrase: String,
    /// Comments containing it (each comment counts once).
    pub comments: u32,
}

/// Phrases of two or three words (stop words removed first) that appear in
/// at least `min_comments` of the given comments, most frequent first, at
/// most `limit`. A two-word phrase is left out when a three-word phrase
/// containing it is as frequent, so the list does not repeat itself.
pub fn suggest<'a>(comments: impl IntoIterator<Item = &'a str>, min_comments: u32, limit: usize) -> Vec<Suggestion> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for comment in comments {
        let kept: Vec<String> = words(comment).into_iter().filter(|w| !STOP_WORDS.contains(&w.as_str())).collect();
        let mut seen: Vec<String> = Vec::new();
        for n in [2, 3] {
            for window in kept.windows(n) {
                let phrase = window.join(" ");
                if !seen.contains(&phrase) {
                    seen.push(phrase);
                }
            }
        }
        for phrase in seen {
            *counts.entry(phrase).or_default() += 1;
        }
    }
    let frequent: Vec<(String, u32)> = counts.into_iter().filter(|(_, c)| *c >= min_comments.max(1)).collect();
    let mut kept: Vec<Suggestion> = frequent
        .iter()
        .filter(|(phrase, count)| {
            phrase.split(' ').count() == 3
                || !frequent.iter().any(|(longer, c)| {
                    c >= count
                        && longer.split(' ').count() == 3
                        && format!(" {longer} ").contains(&format!(" {phrase} "))
                })
        })
        .map(|(phrase, count)| Suggestion { phrase: phrase.clone(), comments: *count })
        .collect();
    kept.sort_by(|a, b| b.comments.cmp(&a.comments).then_with(|| a.phrase.cmp(&b.phrase)));
    kept.truncate(limit);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str, keywords: &str) -> ThemeRule {
        ThemeRule::parse(name, keywords).expect("valid rule")
    }

    #[test]
    fn keywords_match_whole_words_in_any_case() {
        let waiting = rule("Waiting", "on hold, waited\n  TOOK AGES ");
        assert_eq!(waiting.keywords, ["on hold", "waited", "took ages"]);
        assert!(waiting.matches(&words("Waited ages on HOLD before anyone answered.")));
        assert!(waiting.matches(&words("It took ages!")));
        assert!(!waiting.matches(&words("They were holding my car; I wait.")));
        let rules = [rule("Call backs", "call back, called back"), waiting, rule("Cars", "loan car")];
        assert_eq!(themes_of("Nobody called back, and I waited.", &rules), [0, 1]);
        assert_eq!(themes_of("Lovely staff", &rules), Vec::<usize>::new());
    }

    #[test]
    fn bad_rules_name_the_field() {
        let errors = ThemeRule::parse(" ", ", ,").expect_err("refused");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "keywords"]);
        assert!(ThemeRule::parse(&"x".repeat(61), "a").is_err());
        assert_eq!(rule("Dup", "a b, A  B").keywords, ["a b"]);
    }

    #[test]
    fn suggestions_are_frequent_phrases_without_stop_words() {
        let comments = [
            "The courtesy car was not ready",
            "No courtesy car ready for me",
            "Courtesy car ready at last",
            "Website crashed again",
            "The website crashed twice",
        ];
        let found = suggest(comments, 2, 10);
        assert_eq!(found[0], Suggestion { phrase: "courtesy car ready".to_string(), comments: 3 });
        assert!(found.iter().any(|s| s.phrase == "website crashed" && s.comments == 2));
        // "courtesy car" is as frequent as the longer phrase, so it is folded in.
        assert!(!found.iter().any(|s| s.phrase == "courtesy car"));
        assert!(found.iter().all(|s| !s.phrase.split(' ').any(|w| STOP_WORDS.contains(&w))));
        assert_eq!(suggest(comments, 4, 10), []);
        assert_eq!(suggest(comments, 2, 1).len(), 1);
    }
}
