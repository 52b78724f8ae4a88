//! Sync records (design/sync.md §4): what a bookmark, a highlight, a note or an ink stroke is
//! once stored, and the one merge function that decides what two replicas of a record become.
//!
//! A record has fields fixed at creation (`init`, `blob`), last-writer-wins fields each stamped
//! with a hybrid logical clock, and an optional tombstone. The merge is a pure function of its
//! inputs: commutative, associative, idempotent, and a tombstone absorbs every later write.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::clock::Hlc;

/// The kinds of annotation records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Bookmark,
    Highlight,
    Note,
    Ink,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bookmark => "bookmark",
            Kind::Highlight => "highlight",
            Kind::Note => "note",
            Kind::Ink => "ink",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        match text {
            "bookmark" => Some(Kind::Bookmark),
            "highlight" => Some(Kind::Highlight),
            "note" => Some(Kind::Note),
            "ink" => Some(Kind::Ink),
            _ => None,
        }
    }
}

/// One last-writer-wins register: a value and the stamp of the write that set it.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamped {
    pub v: Value,
    pub t: Hlc,
}

/// One annotation as stored and as it will travel.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub kind: Kind,
    pub id: uuid::Uuid,
    pub book_key: String,
    /// Fixed at creation: the anchor, a note's highlight, an ink stroke's tool and colour.
    pub init: Value,
    pub created: Hlc,
    pub fields: BTreeMap<String, Stamped>,
    /// Fixed at creation: an ink stroke's packed points.
    pub blob: Option<Vec<u8>>,
    /// When it was deleted. A deleted record keeps only its identity.
    pub del: Option<Hlc>,
}

/// Two records that are not replicas of one another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotTheSameRecord;

impl Record {
    /// The latest stamp the record carries: its last change.
    pub fn last_change(&self) -> Hlc {
        let fields = self.fields.values().map(|f| f.t);
        fields.chain(self.del).chain(std::iter::once(self.created)).max().unwrap_or(self.created)
    }

    /// Marks the record deleted at `at`, dropping its content. Deleting twice keeps the later stamp.
    pub fn tombstone(&mut self, at: Hlc) {
        self.del = Some(self.del.map_or(at, |d| d.max(at)));
        self.fields.clear();
        self.blob = None;
    }
}

/// What two replicas of one record become (sync.md §4.2).
pub fn merge(a: &Record, b: &Record) -> Result<Record, NotTheSameRecord> {
    if a.kind != b.kind || a.id != b.id || a.book_key != b.book_key {
        return Err(NotTheSameRecord);
    }
    // Set-once fields: the earlier creation wins; equal stamps with different content (a reused
    // node id) fall back to the bytewise larger encoding so the answer is still the same everywhere.
    let first = match a.created.cmp(&b.created) {
        std::cmp::Ordering::Less => a,
        std::cmp::Ordering::Greater => b,
        std::cmp::Ordering::Equal => {
            if canonical(&a.init) >= canonical(&b.init) {
                a
            } else {
                b
            }
        }
    };
    let mut fields = a.fields.clone();
    for (name, theirs) in &b.fields {
        match fields.get(name) {
            Some(ours) if !later(theirs, ours) => {}
            _ => {
                fields.insert(name.clone(), theirs.clone());
            }
        }
    }
    let mut out = Record {
        kind: a.kind,
        id: a.id,
        book_key: a.book_key.clone(),
        init: first.init.clone(),
        created: first.created,
        fields,
        blob: first.blob.clone().or_else(|| a.blob.clone()).or_else(|| b.blob.clone()),
        del: None,
    };
    if let Some(del) = a.del.max(b.del) {
        out.tombstone(del);
    }
    Ok(out)
}

/// Whether `theirs` wins over `ours`.
fn later(theirs: &Stamped, ours: &Stamped) -> bool {
    match theirs.t.cmp(&ours.t) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => canonical(&theirs.v) > canonical(&ours.v),
    }
}

/// The canonical encoding of a JSON value: serde_json keeps object keys sorted (no
/// `preserve_order`), so equal values encode to equal bytes.
pub fn canonical(v: &Value) -> String {
    v.to_string()
}

/// An HLC as 32 lower-case hex digits, the wire form (sync.md §5.1).
pub fn hlc_hex(h: Hlc) -> String {
    hex::encode(h.to_bytes())
}

pub fn hlc_from_hex(text: &str) -> Option<Hlc> {
    let bytes = hex::decode(text).ok()?;
    Hlc::from_bytes(&bytes)
}

/// `fields` as stored: `{"name": {"v": …, "t": "<hex>"}}`.
pub fn fields_to_json(fields: &BTreeMap<String, Stamped>) -> String {
    let map: serde_json::Map<String, Value> =
        fields.iter().map(|(k, s)| (k.clone(), serde_json::json!({ "v": s.v, "t": hlc_hex(s.t) }))).collect();
    Value::Object(map).to_string()
}

/// Reads stored `fields`; registers that cannot be read are dropped, never invented.
pub fn fields_from_json(text: &str) -> BTreeMap<String, Stamped> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
        return BTreeMap::new();
    };
    map.into_iter()
        .filter_map(|(k, reg)| {
            let t = hlc_from_hex(reg.get("t")?.as_str()?)?;
            let v = reg.get("v")?.clone();
            Some((k, Stamped { v, t }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn hlc(ms: u64, node: u64) -> Hlc {
        Hlc { ms, counter: 0, node }
    }

    fn base() -> Record {
        Record {
            kind: Kind::Highlight,
            id: uuid::Uuid::from_u128(7),
            book_key: "sha256:ab".into(),
            init: json!({"anchor": {"type": "place", "page": 1}}),
            created: hlc(10, 1),
            fields: BTreeMap::new(),
            blob: None,
            del: None,
        }
    }

    fn with_field(mut r: Record, name: &str, v: Value, t: Hlc) -> Record {
        r.fields.insert(name.into(), Stamped { v, t });
        r
    }

    #[test]
    fn the_later_write_of_each_field_wins_whatever_the_order() {
        let a = with_field(base(), "style", json!({"color": "yellow"}), hlc(20, 1));
        let b = with_field(base(), "style", json!({"color": "green"}), hlc(30, 2));
        let b = with_field(b, "other", json!(1), hlc(31, 2));
        let ab = merge(&a, &b).expect("same record");
        assert_eq!(ab, merge(&b, &a).expect("same record"), "order does not matter");
        assert_eq!(ab.fields["style"].v, json!({"color": "green"}));
        assert_eq!(ab.fields["other"].v, json!(1), "fields only one side has are kept");
    }

    #[test]
    fn a_tombstone_absorbs_later_writes_and_drops_the_content() {
        let mut dead = with_field(base(), "style", json!({"color": "yellow"}), hlc(20, 1));
        dead.tombstone(hlc(25, 1));
        let late_write = with_field(base(), "style", json!({"color": "pink"}), hlc(99, 2));
        let merged = merge(&late_write, &dead).expect("same record");
        assert_eq!(merged.del, Some(hlc(25, 1)));
        assert!(merged.fields.is_empty(), "a deleted highlight keeps no colour: {merged:?}");
    }

    #[test]
    fn different_records_do_not_merge() {
        let mut other = base();
        other.id = uuid::Uuid::from_u128(8);
        assert_eq!(merge(&base(), &other), Err(NotTheSameRecord));
    }

    #[test]
    fn fields_survive_their_stored_form() {
        let r = with_field(base(), "body", json!("À revoir"), hlc(20, 3));
        assert_eq!(fields_from_json(&fields_to_json(&r.fields)), r.fields);
        assert!(fields_from_json("not json").is_empty());
    }

    /// Versions of one record as devices could write them: field writes and deletions with
    /// stamps drawn from a small range, so that equal stamps and ties happen too.
    fn version() -> impl Strategy<Value = Record> {
        let field = (prop::sample::select(vec!["style", "body", "label"]), 0u8..4, 0u64..6, 0u64..3);
        (prop::collection::vec(field, 0..4), prop::option::of((0u64..8, 0u64..3)), 0u64..3).prop_map(
            |(writes, del, created)| {
                let mut r = base();
                r.created = hlc(created, 0);
                r.init = json!({"anchor": {"page": created}});
                for (name, value, ms, node) in writes {
                    let s = Stamped { v: json!(value), t: hlc(ms, node) };
                    match r.fields.get(name) {
                        Some(old) if !later(&s, old) => {}
                        _ => {
                            r.fields.insert(name.into(), s);
                        }
                    }
                }
                if let Some((ms, node)) = del {
                    r.tombstone(hlc(ms, node));
                }
                r
            },
        )
    }

    fn fold(records: &[Record]) -> Option<Record> {
        let mut it = records.iter();
        let first = it.next()?.clone();
        Some(it.fold(first, |acc, r| merge(&acc, r).expect("same record")))
    }

    proptest! {
        #[test]
        fn merging_in_any_order_any_number_of_times_gives_one_state(
            versions in prop::collection::vec(version(), 1..6),
            order in prop::collection::vec(0usize..100, 1..15),
        ) {
            let expected = fold(&versions).expect("at least one");
            // Any order, with repeats, as long as every version arrives at least once.
            let mut shuffled: Vec<Record> = order.iter().map(|i| versions[i % versions.len()].clone()).collect();
            shuffled.extend(versions.iter().rev().cloned());
            prop_assert_eq!(fold(&shuffled).expect("some"), expected.clone());
            // Merging the result with any version changes nothing (idempotent, absorbing).
            for v in &versions {
                prop_assert_eq!(merge(&expected, v).expect("same"), expected.clone());
            }
            // Once any version is deleted, the result is deleted.
            if versions.iter().any(|v| v.del.is_some()) {
                prop_assert!(expected.del.is_some() && expected.fields.is_empty());
            }
        }
    }
}
