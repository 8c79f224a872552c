//! The `type` column: pyxform's spellings and aliases of each type
//! (question_type_dictionary.py, aliases.py), what rileva makes of them, and
//! the types it refuses.

/// What a `type` cell asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeCell {
    /// A question (or calculate, note, metadata…) of a native type.
    Simple(Simple),
    /// `select_one LIST`, `select_multiple LIST`, optionally `or_other`.
    Select {
        multiple: bool,
        list: String,
        or_other: bool,
        /// `select_one_external`: the list is of the external_choices sheet.
        external: bool,
    },
    /// `rank LIST`: every choice of the list put in order.
    Rank { list: String },
    /// `select_one_from_file FILE`, `select_multiple_from_file FILE`.
    FromFile { multiple: bool, file: String },
    /// `begin group`, `begin repeat` and their spellings.
    Begin(Control),
    /// `end group`, `end repeat`.
    End(Control),
    /// A row of the survey sheet that sets a setting (`form_title`, `form_id`).
    Setting(&'static str),
    /// A type pyxform knows that rileva does not support, with what it is.
    Unsupported(&'static str),
    /// Not an XLSForm type at all.
    Unknown,
}

/// What a begin/end row opens or closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Group,
    Repeat,
    /// `begin loop over LIST`: a repeat over the choices of a list, refused.
    Loop,
}

impl Control {
    /// pyxform's word, as in its messages (`end_group`).
    pub fn word(self) -> &'static str {
        match self {
            Control::Group => "group",
            Control::Repeat => "repeat",
            Control::Loop => "loop",
        }
    }
}

/// A native type, and the defaults pyxform's dictionary gives some of its
/// spellings (`phone number` is a text question with a digits-only constraint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simple {
    pub native: &'static str,
    pub constraint: Option<&'static str>,
    pub hint: Option<&'static str>,
}

const fn simple(native: &'static str) -> Simple {
    Simple {
        native,
        constraint: None,
        hint: None,
    }
}

/// Reads a `type` cell (spaces already folded).
pub fn parse(cell: &str) -> TypeCell {
    if let Some(t) = control(cell) {
        return t;
    }
    if let Some(t) = select(cell) {
        return t;
    }
    if let Some(s) = simple_type(cell) {
        return TypeCell::Simple(s);
    }
    match cell {
        "form_title" | "set_form_title" => return TypeCell::Setting("form_title"),
        "form_id" | "set_form_id" => return TypeCell::Setting("form_id"),
        "prefix" => return TypeCell::Setting("prefix"),
        "audit" => return TypeCell::Setting("audit"),
        _ => {}
    }
    if let Some(what) = unsupported(cell) {
        return TypeCell::Unsupported(what);
    }
    TypeCell::Unknown
}

/// `begin group`, `begin_repeat`, `end group`… (pyxform's RE_BEGIN_CONTROL
/// and RE_END_CONTROL); `begin loop over LIST` is refused.
fn control(cell: &str) -> Option<TypeCell> {
    let (word, rest) = if let Some(r) = cell.strip_prefix("begin") {
        ("begin", r)
    } else if let Some(r) = cell.strip_prefix("end") {
        ("end", r)
    } else {
        return None;
    };
    let rest = rest.strip_prefix([' ', '_'])?;
    let kinds = ["looped group", "lgroup", "group", "repeat", "loop"];
    let kind = kinds.iter().find(|k| rest.starts_with(*k))?;
    let after = &rest[kind.len()..];
    let control = match *kind {
        "group" => Control::Group,
        "loop" => Control::Loop,
        _ => Control::Repeat,
    };
    if word == "end" {
        return after.is_empty().then_some(TypeCell::End(control));
    }
    // `begin group NAME`, `begin repeat over LIST`: pyxform accepts a word after.
    if !after.is_empty() {
        let word = after.strip_prefix(' ')?;
        let word = word.strip_prefix("over ").unwrap_or(word);
        if word.is_empty() || word.contains(char::is_whitespace) {
            return None;
        }
    }
    Some(TypeCell::Begin(control))
}

/// `select_one LIST [or_other]` and its spellings (pyxform's RE_SELECT).
fn select(cell: &str) -> Option<TypeCell> {
    const ONE: &[&str] = &[
        "add select one prompt using",
        "select one from",
        "select1",
        "select_one",
        "select one",
    ];
    const MULTIPLE: &[&str] = &[
        "add select multiple prompt using",
        "select all that apply from",
        "select_multiple",
        "select all that apply",
    ];
    const FROM_FILE: &[(&str, bool)] = &[
        ("select_one_from_file", false),
        ("select_multiple_from_file", true),
        ("select one from file", false),
        ("select multiple from file", true),
    ];
    // Longest command first, so that `select one from file x` is not `select one from`.
    let mut commands: Vec<(&str, u8)> = Vec::new();
    commands.extend(ONE.iter().map(|c| (*c, 0)));
    commands.extend(MULTIPLE.iter().map(|c| (*c, 1)));
    commands.extend(FROM_FILE.iter().map(|(c, m)| (*c, 2 + u8::from(*m))));
    commands.push(("select_one_external", 4));
    commands.push(("rank", 5));
    commands.sort_by_key(|(c, _)| std::cmp::Reverse(c.len()));
    for (command, what) in commands {
        let Some(rest) = cell.strip_prefix(command).and_then(|r| r.strip_prefix(' ')) else {
            continue;
        };
        let (list, other) = match rest.split_once(' ') {
            None => (rest, None),
            Some((list, tail)) => (list, Some(tail)),
        };
        if list.is_empty() {
            continue;
        }
        let or_other = match other {
            None => false,
            Some("or specify other" | "or_other" | "or other") => true,
            Some(_) => continue,
        };
        return Some(match what {
            0 | 1 if list.contains("${") => {
                TypeCell::Unsupported("a select from the answers of a repeat (select_one ${…})")
            }
            0 | 1 | 4 => TypeCell::Select {
                multiple: what == 1,
                list: list.to_string(),
                or_other,
                external: what == 4,
            },
            2 | 3 => TypeCell::FromFile {
                multiple: what == 3,
                file: list.to_string(),
            },
            _ if other.is_some() => continue,
            _ => TypeCell::Rank {
                list: list.to_string(),
            },
        });
    }
    None
}

fn simple_type(cell: &str) -> Option<Simple> {
    let native = match cell {
        "text" | "string" | "q string" | "add text prompt" => "text",
        "integer" | "int" | "q int" | "add integer prompt" => "integer",
        "decimal" | "q decimal" | "add decimal prompt" => "decimal",
        "date" | "q date" | "add date prompt" => "date",
        "time" => "time",
        "dateTime"
        | "datetime"
        | "date time"
        | "q date time"
        | "q dateTime"
        | "add date time prompt"
        | "add dateTime prompt" => "dateTime",
        "geopoint" | "gps" | "location" | "q geopoint" | "q location" | "add location prompt" => {
            "geopoint"
        }
        "note" | "q note" | "add note prompt" => "note",
        "calculate" | "q calculate" | "add calculate prompt" => "calculate",
        // `trigger` is the old name of acknowledge (pyxform reads it so).
        "acknowledge" | "q acknowledge" | "add acknowledge prompt" | "trigger" => "acknowledge",
        // The location where the form was started: without a GPS, a value
        // never shown and left empty (its element stays in the instance).
        "start-geopoint" => "hidden",
        // A phone's SIM serial and subscriber id: a terminal has neither;
        // left empty, their elements kept.
        "simserial" | "sim id" | "get sim id" | "uri:simserial" | "subscriberid"
        | "subscriber id" | "get subscriber id" | "uri:subscriberid" => "hidden",
        "range" => "range",
        "hidden" => "hidden",
        // Media: a file attached from disk (signature and draw are images
        // with an appearance).
        "image" | "photo" | "q picture" | "q image" | "add image prompt" | "add photo prompt" => {
            "image"
        }
        "audio" | "q audio" | "add audio prompt" => "audio",
        "video" | "q video" | "add video prompt" => "video",
        "file" | "add file prompt" => "file",
        // The code is typed (a terminal has no camera to scan it).
        "barcode" | "q barcode" | "add barcode prompt" => "barcode",
        "geotrace" | "q geotrace" => "geotrace",
        "geoshape" | "q geoshape" => "geoshape",
        "start" | "start time" | "get start time" => "start",
        "end" | "end time" | "get end time" => "end",
        "today" | "get today" => "today",
        "deviceid" | "device id" | "get device id" | "imei" => "deviceid",
        "username" => "username",
        "phonenumber" | "get phone number" => "phonenumber",
        "email" => "email",
        "phone number" => {
            return Some(Simple {
                native: "text",
                constraint: Some("regex(., '^\\d*$')"),
                hint: Some("Enter numbers only."),
            });
        }
        "percentage" => {
            return Some(Simple {
                native: "integer",
                constraint: Some("0 <= . and . <= 100"),
                hint: None,
            });
        }
        _ => return days(cell),
    };
    Some(simple(native))
}

/// The `number of days in last …` spellings: integers with a range.
fn days(cell: &str) -> Option<Simple> {
    let (constraint, hint) = match cell {
        "number of days in last month" => ("0 <= . and . <= 31", "Enter a number 0-31."),
        "number of days in last six months" => ("0 <= . and . <= 183", "Enter a number 0-183."),
        "number of days in last year" => ("0 <= . and . <= 365", "Enter a number 0-365."),
        _ => return None,
    };
    Some(Simple {
        native: "integer",
        constraint: Some(constraint),
        hint: Some(hint),
    })
}

/// Types pyxform knows that rileva refuses, each with what it is for the
/// message. Each would collect data a terminal cannot collect (device
/// sensors, background recording) or depends on machinery rileva does not
/// have.
fn unsupported(cell: &str) -> Option<&'static str> {
    Some(match cell {
        "background-audio" => "background audio recording",
        "background-geopoint" => "a location captured in the background",
        "osm" => "OpenStreetMap tags",
        "xml-external" | "csv-external" => "an external data file",
        "q select"
        | "q select1"
        | "select one using"
        | "select multiple using"
        | "select multiple from" => "a select without a choice list",

        "uri:deviceid" | "uri:username" | "uri:email" | "uri:phonenumber" => "metadata in URI form",
        "cascading select" | "cascading_select" => "a cascading select",
        _ if cell.starts_with("osm ") => "OpenStreetMap tags",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn sel(multiple: bool, list: &str, or_other: bool) -> TypeCell {
        TypeCell::Select {
            multiple,
            list: list.into(),
            or_other,
            external: false,
        }
    }

    #[rstest]
    #[case("text", TypeCell::Simple(simple("text")))]
    #[case("string", TypeCell::Simple(simple("text")))]
    #[case("int", TypeCell::Simple(simple("integer")))]
    #[case("datetime", TypeCell::Simple(simple("dateTime")))]
    #[case("imei", TypeCell::Simple(simple("deviceid")))]
    #[case("select_one yes_no", sel(false, "yes_no", false))]
    #[case("select1 yes_no", sel(false, "yes_no", false))]
    #[case("select one from sexes or specify other", sel(false, "sexes", true))]
    #[case("select_multiple l or_other", sel(true, "l", true))]
    #[case("select all that apply l", sel(true, "l", false))]
    #[case("select_one_from_file a.csv", TypeCell::FromFile { multiple: false, file: "a.csv".into() })]
    #[case("select multiple from file a.csv", TypeCell::FromFile { multiple: true, file: "a.csv".into() })]
    #[case("begin group", TypeCell::Begin(Control::Group))]
    #[case("begin_group", TypeCell::Begin(Control::Group))]
    #[case("begin group g", TypeCell::Begin(Control::Group))]
    #[case("begin repeat", TypeCell::Begin(Control::Repeat))]
    #[case("begin_repeat", TypeCell::Begin(Control::Repeat))]
    #[case("begin looped group", TypeCell::Begin(Control::Repeat))]
    #[case("end group", TypeCell::End(Control::Group))]
    #[case("end_repeat", TypeCell::End(Control::Repeat))]
    #[case("begin loop over l", TypeCell::Begin(Control::Loop))]
    #[case("image", TypeCell::Simple(simple("image")))]
    #[case("photo", TypeCell::Simple(simple("image")))]
    #[case("q geoshape", TypeCell::Simple(simple("geoshape")))]
    #[case(
        "background-audio",
        TypeCell::Unsupported("background audio recording")
    )]
    #[case(
        "select_one_external l",
        TypeCell::Select { multiple: false, list: "l".into(), or_other: false, external: true }
    )]
    #[case(
        "select_one ${q}",
        TypeCell::Unsupported("a select from the answers of a repeat (select_one ${…})")
    )]
    #[case("rank l", TypeCell::Rank { list: "l".into() })]
    #[case("form_title", TypeCell::Setting("form_title"))]
    #[case("select_one", TypeCell::Unknown)]
    #[case("select_one a b", TypeCell::Unknown)]
    #[case("Text", TypeCell::Unknown)]
    #[case("begin groupx", TypeCell::Unknown)]
    #[case("end group x", TypeCell::Unknown)]
    fn type_cells(#[case] cell: &str, #[case] want: TypeCell) {
        assert_eq!(parse(cell), want);
    }

    #[test]
    fn templated_spellings() {
        let TypeCell::Simple(s) = parse("phone number") else {
            panic!("phone number is a type");
        };
        assert_eq!(s.native, "text");
        assert!(s.constraint.is_some() && s.hint.is_some());
        let TypeCell::Simple(d) = parse("number of days in last year") else {
            panic!("a type");
        };
        assert_eq!(d.constraint, Some("0 <= . and . <= 365"));
    }
}
