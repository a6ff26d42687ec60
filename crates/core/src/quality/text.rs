//! A plain-text form of a scorecard's sections and criteria, so a leader can
//! edit a whole form in one text box and see it exactly as it is stored.
//!
//! ```text
//! ## Opening | fail: any at minimum
//! greet | Greeted the customer and gave their name | yes_no | 1 | na | assurance | Call control
//! idv | Verified identity before discussing the account | yes_no | 2 | critical | assurance | Data protection and ID&V
//! ```
//!
//! A line starting `##` opens a section (`| fail: any at minimum` makes any
//! criterion at its minimum fail the section). Each criterion line has seven
//! parts split by `|`: id, question, scale (`yes_no`, `1-4`, `1-5`), weight,
//! flags (`na`, `critical`, both separated by a comma, or `-`), SERVQUAL
//! dimension, and skills separated by `;`. Blank lines and lines starting `#`
//! (one hash) are ignored.

use super::scorecard::{CriterionDraft, Scale, SectionDraft, SectionFail, ServqualDimension};
use crate::fields::{FieldError, FieldErrors};

/// Reads the text form into sections; errors are on `field` and name the line.
pub fn parse_sections(field: &str, text: &str) -> Result<Vec<SectionDraft>, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut sections: Vec<SectionDraft> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let at = |message: String| FieldError::new(field, format!("Line {}: {message}", n + 1));
        if line.is_empty() || (line.starts_with('#') && !line.starts_with("##")) {
            continue;
        }
        if let Some(rest) = line.strip_prefix("##") {
            let mut parts = rest.split('|').map(str::trim);
            let name = parts.next().unwrap_or_default().to_string();
            let fail = match parts.next() {
                None => SectionFail::Never,
                Some(rule) if rule.to_ascii_lowercase().replace(['-', '_'], " ") == "fail: any at minimum" => {
                    SectionFail::AnyAtMinimum
                }
                Some(rule) => {
                    errors.push(at(format!(
                        "write \"fail: any at minimum\" after the section name, or nothing (you wrote {rule:?})."
                    )));
                    SectionFail::Never
                }
            };
            sections.push(SectionDraft { name, fail, criteria: Vec::new() });
            continue;
        }
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        if parts.len() != 7 {
            errors.push(at(format!(
                "a criterion needs 7 parts separated by | (id | question | scale | weight | flags | dimension | skills); this line has {}.",
                parts.len()
            )));
            continue;
        }
        let Some(section) = sections.last_mut() else {
            errors.push(at("start with a section line such as \"## Opening\" before the criteria.".into()));
            continue;
        };
        let scale = Scale::parse("scale", parts[2]).map_err(|e| at(e.message));
        let weight = parts[3]
            .parse::<f64>()
            .map_err(|_| at(format!("enter the weight as a number (you wrote {:?}).", parts[3])));
        let mut allows_na = false;
        let mut critical = false;
        for flag in parts[4].split(',').map(str::trim).filter(|f| !f.is_empty() && *f != "-") {
            match flag.to_ascii_lowercase().as_str() {
                "na" | "n/a" => allows_na = true,
                "critical" => critical = true,
                other => errors.push(at(format!("flags are na and critical (you wrote {other:?})."))),
            }
        }
        let dimension = ServqualDimension::parse("dimension", parts[5]).map_err(|e| at(e.message));
        let skills =
            parts[6].split(';').map(str::trim).filter(|s| !s.is_empty() && *s != "-").map(str::to_string).collect();
        match (scale, weight, dimension) {
            (Ok(scale), Ok(weight), Ok(dimension)) => section.criteria.push(CriterionDraft {
                id: parts[0].to_string(),
                text: parts[1].to_string(),
                scale,
                weight,
                allows_na,
                critical,
                dimension,
                skills,
            }),
            (scale, weight, dimension) => {
                for e in [scale.err(), weight.err(), dimension.err()].into_iter().flatten() {
                    errors.push(e);
                }
            }
        }
    }
    if errors.is_empty() { Ok(sections) } else { Err(errors) }
}

/// Writes sections in the text form [`parse_sections`] reads.
pub fn format_sections(sections: &[SectionDraft]) -> String {
    let mut out = String::new();
    for section in sections {
        out.push_str("## ");
        out.push_str(&section.name);
        if section.fail == SectionFail::AnyAtMinimum {
            out.push_str(" | fail: any at minimum");
        }
        out.push('\n');
        for c in &section.criteria {
            let scale = match c.scale {
                Scale::YesNo => "yes_no",
                Scale::OneToFour => "1-4",
                Scale::OneToFive => "1-5",
            };
            let flags: Vec<&str> =
                [(c.allows_na, "na"), (c.critical, "critical")].into_iter().filter(|f| f.0).map(|f| f.1).collect();
            let flags = if flags.is_empty() { "-".to_string() } else { flags.join(", ") };
            out.push_str(&format!(
                "{} | {} | {scale} | {} | {flags} | {} | {}\n",
                c.id,
                c.text,
                c.weight,
                c.dimension.as_str(),
                c.skills.join("; ")
            ));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        let text = "## Opening | fail: any at minimum\n\
                    greet | Greeted by name | yes_no | 1 | na | assurance | Call control; Empathy and rapport\n\
                    \n## Resolution\n\
                    fix | Resolved the issue | 1-5 | 2.5 | critical | reliability | -\n";
        let sections = parse_sections("criteria", text).expect("valid");
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].fail, SectionFail::AnyAtMinimum);
        assert!(sections[0].criteria[0].allows_na && !sections[0].criteria[0].critical);
        assert_eq!(sections[0].criteria[0].skills, ["Call control", "Empathy and rapport"]);
        assert_eq!(sections[1].criteria[0].weight, 2.5);
        assert!(sections[1].criteria[0].skills.is_empty(), "- means no skills");
        assert_eq!(parse_sections("criteria", &format_sections(&sections)).expect("again"), sections);
    }

    #[test]
    fn errors_name_the_line() {
        let errors = parse_sections("criteria", "## A\ngreet | Hi | yes_no | heavy | - | assurance | x\nlonely line")
            .expect_err("invalid");
        assert!(errors.0[0].message.starts_with("Line 2: enter the weight"), "{errors:?}");
        assert!(errors.0[1].message.starts_with("Line 3:"), "{errors:?}");
        let errors = parse_sections("criteria", "greet | Hi | yes_no | 1 | - | assurance | x").expect_err("no section");
        assert!(errors.0[0].message.contains("section"), "{errors:?}");
    }
}
