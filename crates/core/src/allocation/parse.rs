//! The edge: the contract's JSON shape becomes a [`Problem`], or an error that
//! names the offending record (`items[3] (id "t9"): ...`).
//!
//! Parsing is by hand over [`serde_json::Value`] rather than `#[derive(Deserialize)]`
//! because the contract wants every message to name the record and field at fault,
//! in words a team leader can act on, which serde's generic messages do not.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::model::{Agent, ChannelId, Item, Level, Priority, Problem, SkillId};
use crate::fields::FieldError;

/// Interns names so the solver works with small dense indices.
#[derive(Default)]
struct Names {
    index: HashMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        // More than four thousand million distinct names cannot come from a
        // JSON file this program could hold in memory, so the cast cannot wrap.
        let i = self.names.len() as u32;
        self.index.insert(name.to_owned(), i);
        self.names.push(name.to_owned());
        i
    }
}

/// An agent before its skill table is made dense.
struct RawAgent {
    id: String,
    levels: Vec<(u32, Level)>,
    learning: Vec<u32>,
    capacity: Vec<(u32, u32)>,
    open: Vec<(u32, u32)>,
    available: bool,
}

impl Problem {
    /// Parses the contract's `problem.json` text.
    ///
    /// # Errors
    /// A [`FieldError`] whose `field` names the record (`items[3] (id "t9")`, or
    /// `problem` for the document as a whole) and whose message says what is wrong.
    pub fn from_json(text: &str) -> Result<Self, FieldError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| FieldError::new("problem", format!("not valid JSON ({e})")))?;
        Self::from_value(&value)
    }

    /// Parses an already-decoded JSON document of the contract's shape.
    ///
    /// # Errors
    /// As [`Problem::from_json`].
    pub fn from_value(value: &Value) -> Result<Self, FieldError> {
        let top = value
            .as_object()
            .ok_or_else(|| FieldError::new("problem", "expected a JSON object with \"agents\" and \"items\""))?;
        let agents = list(top, "agents")?;
        let items = list(top, "items")?;

        let mut skills = Names::default();
        let mut channels = Names::default();

        let mut raw_agents = Vec::with_capacity(agents.len());
        let mut agent_ids: HashMap<&str, usize> = HashMap::new();
        for (n, record) in agents.iter().enumerate() {
            let agent = parse_agent(n, record, &mut skills, &mut channels)?;
            if let Some(first) = agent_ids.get(agent.id.as_str()) {
                return Err(FieldError::new(
                    label("agents", n, Some(&agent.id)),
                    format!("duplicate id, first at agents[{first}]"),
                ));
            }
            agent_ids.insert(record_id(record).unwrap_or_default(), n);
            raw_agents.push(agent);
        }

        let mut parsed_items = Vec::with_capacity(items.len());
        let mut item_ids: HashMap<&str, usize> = HashMap::new();
        for (n, record) in items.iter().enumerate() {
            let item = parse_item(n, record, &mut skills, &mut channels)?;
            if let Some(first) = item_ids.get(item.id.as_str()) {
                return Err(FieldError::new(
                    label("items", n, Some(&item.id)),
                    format!("duplicate id, first at items[{first}]"),
                ));
            }
            item_ids.insert(record_id(record).unwrap_or_default(), n);
            parsed_items.push(item);
        }

        let skill_count = skills.names.len();
        let channel_count = channels.names.len();
        let agents = raw_agents
            .into_iter()
            .map(|raw| {
                let mut levels = vec![Level::default(); skill_count];
                for (s, level) in raw.levels {
                    levels[s as usize] = level;
                }
                let mut learning = vec![false; skill_count];
                for s in raw.learning {
                    learning[s as usize] = true;
                }
                let mut capacity = vec![0; channel_count];
                for (c, cap) in raw.capacity {
                    capacity[c as usize] = cap;
                }
                let mut open = vec![0; channel_count];
                for (c, o) in raw.open {
                    open[c as usize] = o;
                }
                Agent { id: raw.id, levels, learning, capacity, open, available: raw.available }
            })
            .collect();

        Ok(Problem { skill_names: skills.names, channel_names: channels.names, agents, items: parsed_items })
    }
}

fn list<'a>(top: &'a Map<String, Value>, key: &str) -> Result<&'a Vec<Value>, FieldError> {
    match top.get(key) {
        Some(Value::Array(list)) => Ok(list),
        Some(_) => Err(FieldError::new("problem", format!("\"{key}\" must be a list"))),
        None => Err(FieldError::new("problem", format!("\"{key}\" is missing"))),
    }
}

fn record_id(record: &Value) -> Option<&str> {
    record.get("id").and_then(Value::as_str)
}

/// `items[3] (id "t9")`, or `items[3]` when the record has no usable id.
fn label(list: &str, n: usize, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("{list}[{n}] (id \"{id}\")"),
        None => format!("{list}[{n}]"),
    }
}

fn parse_id(list: &str, n: usize, record: &Map<String, Value>) -> Result<String, FieldError> {
    match record.get("id") {
        Some(Value::String(id)) if !id.trim().is_empty() => Ok(id.clone()),
        Some(Value::String(_)) => Err(FieldError::new(label(list, n, None), "id is empty")),
        Some(_) => Err(FieldError::new(label(list, n, None), "id must be text")),
        None => Err(FieldError::new(label(list, n, None), "id is missing")),
    }
}

fn parse_level(value: &Value) -> Option<Level> {
    value.as_i64().and_then(Level::new)
}

fn describe(value: &Value) -> String {
    value.to_string()
}

fn parse_agent(n: usize, record: &Value, skills: &mut Names, channels: &mut Names) -> Result<RawAgent, FieldError> {
    let object =
        record.as_object().ok_or_else(|| FieldError::new(label("agents", n, None), "expected a JSON object"))?;
    let id = parse_id("agents", n, object)?;
    let here = || label("agents", n, Some(&id));

    let mut levels = Vec::new();
    if let Some(value) = object.get("skills") {
        let map =
            value.as_object().ok_or_else(|| FieldError::new(here(), "skills must be an object of skill: level"))?;
        for (name, level) in map {
            let level = parse_level(level).ok_or_else(|| {
                FieldError::new(
                    here(),
                    format!("skill \"{name}\" level {} is not a whole number from 0 to 5", describe(level)),
                )
            })?;
            levels.push((skills.intern(name), level));
        }
    }

    let mut learning = Vec::new();
    if let Some(value) = object.get("learning") {
        let names =
            value.as_array().ok_or_else(|| FieldError::new(here(), "learning must be a list of skill names"))?;
        for name in names {
            let name = name.as_str().ok_or_else(|| {
                FieldError::new(here(), format!("learning entry {} is not a skill name", describe(name)))
            })?;
            learning.push(skills.intern(name));
        }
    }

    let capacity = parse_counts(object, "capacity", &here, channels)?;
    let open = parse_counts(object, "open", &here, channels)?;

    let available = match object.get("available") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(FieldError::new(here(), format!("available must be true or false, not {}", describe(other))));
        }
    };

    Ok(RawAgent { id, levels, learning, capacity, open, available })
}

/// Parses `capacity` or `open`: an object of channel → whole number ≥ 0.
fn parse_counts(
    object: &Map<String, Value>,
    key: &str,
    here: &dyn Fn() -> String,
    channels: &mut Names,
) -> Result<Vec<(u32, u32)>, FieldError> {
    let Some(value) = object.get(key) else {
        return Ok(Vec::new());
    };
    let map = value
        .as_object()
        .ok_or_else(|| FieldError::new(here(), format!("{key} must be an object of channel: number")))?;
    let mut counts = Vec::with_capacity(map.len());
    for (channel, count) in map {
        let parsed = count.as_i64().ok_or_else(|| {
            FieldError::new(
                here(),
                format!("{key} for channel \"{channel}\" is {}, not a whole number", describe(count)),
            )
        })?;
        if parsed < 0 {
            return Err(FieldError::new(
                here(),
                format!("{key} for channel \"{channel}\" is {parsed}; it cannot be negative"),
            ));
        }
        let parsed = u32::try_from(parsed).map_err(|_| {
            FieldError::new(here(), format!("{key} for channel \"{channel}\" is {parsed}, which is too large"))
        })?;
        counts.push((channels.intern(channel), parsed));
    }
    Ok(counts)
}

fn parse_item(n: usize, record: &Value, skills: &mut Names, channels: &mut Names) -> Result<Item, FieldError> {
    let object =
        record.as_object().ok_or_else(|| FieldError::new(label("items", n, None), "expected a JSON object"))?;
    let id = parse_id("items", n, object)?;
    let here = || label("items", n, Some(&id));

    let channel = match object.get("channel") {
        Some(Value::String(c)) if !c.is_empty() => ChannelId(channels.intern(c)),
        Some(Value::String(_)) => return Err(FieldError::new(here(), "channel is empty")),
        Some(other) => {
            return Err(FieldError::new(here(), format!("channel must be text, not {}", describe(other))));
        }
        None => return Err(FieldError::new(here(), "channel is missing")),
    };

    let requires = match object.get("requires") {
        Some(Value::Object(map)) if !map.is_empty() => map,
        Some(Value::Object(_)) => {
            return Err(FieldError::new(here(), "requires is empty; name at least one skill and level"));
        }
        Some(other) => {
            return Err(FieldError::new(
                here(),
                format!("requires must be an object of skill: level, not {}", describe(other)),
            ));
        }
        None => {
            return Err(FieldError::new(here(), "requires is missing; name at least one skill and level"));
        }
    };
    let mut required = Vec::with_capacity(requires.len());
    for (name, level) in requires {
        let level = parse_level(level).ok_or_else(|| {
            FieldError::new(
                here(),
                format!("required level {} for skill \"{name}\" is not a whole number from 0 to 5", describe(level)),
            )
        })?;
        required.push((SkillId(skills.intern(name)), level));
    }
    required.sort_unstable();

    let priority = match object.get("priority") {
        Some(Value::String(p)) => Priority::parse(p).ok_or_else(|| {
            FieldError::new(here(), format!("priority \"{p}\" is not one of urgent, high, normal, low"))
        })?,
        Some(other) => {
            return Err(FieldError::new(
                here(),
                format!("priority {} is not one of urgent, high, normal, low", describe(other)),
            ));
        }
        None => {
            return Err(FieldError::new(here(), "priority is missing; use urgent, high, normal or low"));
        }
    };

    Ok(Item { id, channel, requires: required, priority })
}
