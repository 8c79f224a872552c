//! Codes as printed: names when every name is a number, positions otherwise;
//! what a transcriber's digits pick; paper's ways of writing values.

use super::codes::CodeEntry::{self, Complete, Partial, Refused};
use super::*;
use crate::form::{FormBundle, compile};

fn form() -> Arc<Form> {
    let regions: Vec<String> = (1..=20)
        .map(|i| format!(r#"{{"name":"{i:02}","label":"R{i}"}}"#))
        .collect();
    let json = format!(
        r#"{{"format":"rileva-form/1","settings":{{"form_id":"t"}},
            "survey":[
              {{"type":"select_one","list":"reg","name":"region","label":"Region"}},
              {{"type":"select_one","list":"yn","name":"yn","label":"Y/N"}},
              {{"type":"select_multiple","list":"yn","name":"many","label":"Many"}},
              {{"type":"select_multiple","list":"reg","name":"regs","label":"Regions"}},
              {{"type":"select_one","list":"reg","name":"south","label":"South","choice_filter":"name > '12'"}},
              {{"type":"integer","name":"n","label":"N"}},
              {{"type":"date","name":"d","label":"D"}}
            ],
            "choices":{{"reg":[{}],
              "yn":[{{"name":"si","label":"Sì"}},{{"name":"no","label":"No"}},{{"name":"nd","label":"?"}}]}}}}"#,
        regions.join(",")
    );
    let bundle = FormBundle {
        definition: json,
        files: Default::default(),
    };
    Arc::new(compile(&bundle).unwrap_or_else(|e| panic!("{e:?}")))
}

fn filling() -> Filling {
    Filling::new(form(), [], Clock::System)
}

fn at(f: &Filling, name: &str) -> Slot {
    Slot::root(f.form().by_name(name).expect("node"))
}

fn read(f: &Filling, name: &str, typed: &str) -> CodeEntry {
    f.read_codes(&at(f, name), typed)
}

#[test]
fn numeric_names_are_the_codes_and_others_are_positions() {
    let f = filling();
    assert_eq!(f.choice_code(&at(&f, "region"), 15), "16");
    assert_eq!(f.choice_code(&at(&f, "yn"), 0), "1");
    assert_eq!(f.choice_code(&at(&f, "yn"), 2), "3");
}

#[test]
fn a_code_that_begins_longer_codes_waits_for_the_next_key() {
    let f = filling();
    // Puglia is 16, never the 16th on screen nor 1 then 6.
    assert_eq!(read(&f, "region", "1"), Partial(vec![]));
    assert_eq!(read(&f, "region", "16"), Complete(vec![15]));
    assert_eq!(read(&f, "region", "0"), Partial(vec![]));
    assert_eq!(read(&f, "region", "07"), Complete(vec![6]));
    assert_eq!(read(&f, "region", "3"), Refused("3".into()));
    assert_eq!(read(&f, "region", "21"), Refused("21".into()));
    assert_eq!(read(&f, "region", "16 2"), Refused("16 2".into()));
    assert_eq!(read(&f, "yn", "2"), Complete(vec![1]));
    assert_eq!(read(&f, "yn", "4"), Refused("4".into()));
    assert_eq!(read(&f, "yn", ""), Partial(vec![]));
}

#[test]
fn the_choice_filter_decides_which_codes_exist() {
    let f = filling();
    assert_eq!(read(&f, "south", "05"), Refused("05".into()));
    // 1 begins 13–19 still; 2 only 20.
    assert_eq!(read(&f, "south", "1"), Partial(vec![]));
    assert_eq!(read(&f, "south", "2"), Partial(vec![]));
    assert_eq!(read(&f, "south", "20"), Complete(vec![19]));
}

#[test]
fn multiple_choice_takes_codes_together_or_apart() {
    let f = filling();
    assert_eq!(read(&f, "many", "13"), Partial(vec![0, 2]));
    assert_eq!(read(&f, "many", "3 1"), Partial(vec![0, 2]));
    assert_eq!(read(&f, "many", "15"), Refused("5".into()));
    assert_eq!(read(&f, "regs", "16 02"), Partial(vec![1, 15]));
    assert_eq!(read(&f, "regs", "16 2"), Partial(vec![15]));
    assert_eq!(read(&f, "regs", "16 3 02"), Refused("3".into()));
}

#[test]
fn paper_dates_and_numbers_are_read() {
    let f = filling();
    let d = at(&f, "d");
    for typed in [
        "15032020",
        "15/03/2020",
        "15.03.2020",
        "15-03-2020",
        "2020-03-15",
    ] {
        assert_eq!(f.check(&d, typed), Ok(Some("2020-03-15".into())), "{typed}");
    }
    for typed in ["15/03/20", "150320", "15.03.20"] {
        assert_eq!(
            f.check(&d, typed),
            Err(Problem::Type(TypeError::TwoDigitYear)),
            "{typed}"
        );
    }
    assert_eq!(
        f.check(&d, "31022020"),
        Err(Problem::Type(TypeError::NotDate))
    );
    let n = at(&f, "n");
    for typed in ["316.000", "316 000", "316000", "1.316.000"] {
        let want = if typed.starts_with("1.") {
            "1316000"
        } else {
            "316000"
        };
        assert_eq!(f.check(&n, typed), Ok(Some(want.into())), "{typed}");
    }
    // Reads more than one way, or no way: refused.
    for typed in ["3.5", "316.00", "31.6000", "3,5"] {
        assert!(f.check(&n, typed).is_err(), "{typed}");
    }
}

#[test]
fn eight_digits_complete_a_date_and_nothing_else() {
    let f = filling();
    let d = Slot::root(f.form().by_name("d").expect("d"));
    let n = Slot::root(f.form().by_name("n").expect("n"));
    assert!(f.typed_complete(&d, "15032020"));
    assert!(!f.typed_complete(&d, "1503202"));
    assert!(!f.typed_complete(&d, "15/03/20"));
    assert!(
        !f.typed_complete(&n, "15032020"),
        "an integer waits for Enter"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Whatever a transcriber types into a choice field, reading it as codes
    /// never panics, and a refusal names text that was typed.
    #[test]
    fn reading_any_text_as_codes_never_panics(typed in "\\PC{0,12}|[0-9 ]{0,12}") {
        let f = filling();
        for name in ["region", "yn", "many", "regs", "south", "n"] {
            let slot = Slot::root(f.form().by_name(name).expect("question"));
            if let CodeEntry::Refused(code) = f.read_codes(&slot, &typed) {
                proptest::prop_assert!(typed.contains(code.as_str()) || code.is_empty());
            }
        }
    }
}
