//! The survey sheet's columns: what each is to rileva (read, ignored, or
//! refused when it holds a value), and a row's cells by column.

/// What a survey column is to rileva.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Col {
    Type,
    Name,
    Label,
    Hint,
    ConstraintMsg,
    RequiredMsg,
    Relevant,
    Required,
    Constraint,
    Calculation,
    ReadOnly,
    Appearance,
    RepeatCount,
    ChoiceFilter,
    Default,
    Parameters,
    Disabled,
    /// `body::accept`: the file types a file question takes.
    Accept,
    /// `image`, `audio`, `video`, `big-image` (`media::…`): a file shown
    /// with the label, which a terminal names rather than shows.
    Media(&'static str),
    /// `instance::NAME`: an attribute of the question's element in the
    /// submission (the name comes as the column's "language").
    Instance,
    /// Presentation only, for other programs, or not an XLSForm column.
    Ignored,
    /// A column whose values rileva refuses, with what it is for.
    Unsupported(&'static str),
}

impl Col {
    /// Whether the column holds an expression that `compile_doc` parses and
    /// checks (so its references are not checked here too).
    pub fn is_expression(self) -> bool {
        matches!(
            self,
            Col::Relevant
                | Col::Required
                | Col::Constraint
                | Col::Calculation
                | Col::ReadOnly
                | Col::RepeatCount
                | Col::ChoiceFilter
                | Col::Default
        )
    }

    pub fn is_display_text(self) -> bool {
        matches!(
            self,
            Col::Label | Col::Hint | Col::ConstraintMsg | Col::RequiredMsg
        )
    }
}

/// A column by its tokens (see `columns::tokens`), with its language.
pub(super) fn classify(tokens: &[String]) -> (Col, Option<String>) {
    let tok: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let lang = |l: &str| Some(l.to_string());
    let col = match tok[..] {
        [] => Col::Ignored,
        ["type"] => Col::Type,
        ["name"] => Col::Name,
        ["label"] => Col::Label,
        ["label", l] => return (Col::Label, lang(l)),
        ["hint"] => Col::Hint,
        ["hint", l] => return (Col::Hint, lang(l)),
        ["bind", "jr:constraintMsg"] => Col::ConstraintMsg,
        ["bind", "jr:constraintMsg", l] => return (Col::ConstraintMsg, lang(l)),
        ["bind", "jr:requiredMsg"] => Col::RequiredMsg,
        ["bind", "jr:requiredMsg", l] => return (Col::RequiredMsg, lang(l)),
        ["bind", "relevant"] => Col::Relevant,
        ["bind", "required"] => Col::Required,
        ["bind", "constraint"] => Col::Constraint,
        ["bind", "calculate"] => Col::Calculation,
        ["bind", "readonly"] => Col::ReadOnly,
        ["control", "appearance"] => Col::Appearance,
        ["control", "jr:count"] => Col::RepeatCount,
        ["choice_filter"] => Col::ChoiceFilter,
        ["default"] => Col::Default,
        ["parameters"] => Col::Parameters,
        ["disabled"] => Col::Disabled,
        // `body::accept` (the header `body` is read as `control`).
        ["control" | "body", "accept"] => Col::Accept,
        // Shown by other clients only (guidance for trainers, text box
        // height, media autoplay), or for SMS submissions: ignoring them
        // changes nothing about the data collected.
        ["guidance_hint", ..]
        | ["control", "rows" | "autoplay"]
        | ["bind", "jr:noAppErrorString", ..]
        | ["sms" | "sms_field" | "sms_option" | "list_name" | "extra_data"] => Col::Ignored,
        // A bare `media` column: a file of no kind said (pyxform takes it
        // as the row's media too).
        ["media"] => Col::Media("file"),
        ["media", kind, ..] => {
            let kind = match kind {
                "image" => "image",
                "big-image" => "big-image",
                "audio" => "audio",
                "video" => "video",
                _ => "file",
            };
            match tok.get(2) {
                Some(l) => return (Col::Media(kind), lang(l)),
                None => Col::Media(kind),
            }
        }
        ["trigger"] => {
            Col::Unsupported("a trigger, which recalculates a value when another question changes")
        }
        ["bind", "entities:saveto"] => {
            Col::Unsupported("save_to, which saves answers to an ODK entity")
        }
        ["intent"] => Col::Unsupported("an external app that fills the group (intent)"),
        ["instance", attr] => return (Col::Instance, Some(attr.to_string())),
        ["instance", ..] => {
            Col::Unsupported("an attribute of the question's element in the submission")
        }
        ["bind", ..] => Col::Unsupported("a bind attribute rileva does not know"),
        ["control", ..] => Col::Unsupported("a control attribute rileva does not know"),
        ["itemset" | "query" | "choices"] => Col::Unsupported("a column pyxform uses internally"),
        [
            "type" | "name" | "default" | "choice_filter" | "parameters" | "trigger",
            _,
            ..,
        ] => Col::Unsupported("a column that cannot be translated"),
        // Any other column is not part of XLSForm (notes, comments…): pyxform ignores it.
        _ => Col::Ignored,
    };
    (col, None)
}

/// The cells of one row, by what their columns are.
#[derive(Default)]
pub(super) struct Fields {
    pub values: Vec<(Col, Option<String>, String)>,
}

impl Fields {
    pub fn get(&self, col: Col) -> Option<&str> {
        self.values
            .iter()
            .find(|(c, l, _)| *c == col && l.is_none())
            .map(|(_, _, v)| v.as_str())
    }

    pub fn owned(&self, col: Col) -> Option<String> {
        self.get(col).map(str::to_string)
    }

    pub fn has(&self, col: Col) -> bool {
        self.values.iter().any(|(c, _, _)| *c == col)
    }

    pub fn translated(&self, col: Col) -> Vec<(&str, &str)> {
        self.values
            .iter()
            .filter(|(c, _, _)| *c == col)
            .filter_map(|(_, l, v)| l.as_deref().map(|l| (l, v.as_str())))
            .collect()
    }
}
