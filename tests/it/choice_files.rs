//! Choice lists from files beside the form: GeoJSON features as choices,
//! with their geometry, through the real binary.

use crate::e2e_support::cli;
use std::fs;

/// A select from a GeoJSON file beside the form: each feature a choice (its
/// id and title), its geometry kept as the list's `geometry` column; a
/// broken file is refused naming the feature.
#[test]
fn choices_from_a_geojson_file_beside_the_form() {
    let t = tempfile::tempdir().expect("tempdir");
    fs::write(
        t.path().join("luoghi.md"),
        "| survey |\n| | type | name | label |\n| | select_one_from_file sedi.geojson | sede | Sede |\n",
    )
    .expect("write");
    fs::write(
        t.path().join("sedi.geojson"),
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","id":"to1","geometry":{"type":"Point","coordinates":[7.68,45.07]},"properties":{"title":"Sportello Torino"}},
          {"type":"Feature","id":"mi1","geometry":{"type":"Point","coordinates":[9.19,45.46]},"properties":{"title":"Sportello Milano"}}]}"#,
    )
    .expect("write");
    let path = t.path().join("luoghi.md");
    let md = path.to_str().expect("path");
    let data = t.path().join("data");
    let (code, stdout, _) = cli(&data, &["validate", md]);
    assert_eq!(code, 0, "{stdout}");
    let (_, form) = rileva::form::xlsform::load_path(&t.path().join("luoghi.md")).expect("loads");
    let list = form
        .list_of(form.by_name("sede").expect("sede"))
        .expect("a list");
    let names: Vec<&str> = list.choices.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["to1", "mi1"]);
    assert_eq!(list.choices[1].label.get("", ""), "Sportello Milano");
    let g = list
        .columns
        .iter()
        .position(|c| c == "geometry")
        .expect("geometry");
    assert_eq!(list.choices[0].values[g], "45.07 7.68 0 0");
    fs::write(
        t.path().join("sedi.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Circle","coordinates":[1,2]}}]}"#,
    )
    .expect("write");
    let (code, stdout, _) = cli(&data, &["validate", md]);
    assert_eq!(code, 1);
    assert!(stdout.contains("sedi.geojson: feature 1"), "{stdout}");
}

/// select_one_external without an external_choices sheet: the lists of
/// `itemsets.csv` beside the form (the file pyxform writes and ODK Collect
/// reads), each by its list_name, filtered by the file's columns.
#[test]
fn external_choices_from_itemsets_csv_beside_the_form() {
    let t = tempfile::tempdir().expect("tempdir");
    fs::write(
        t.path().join("ext.md"),
        "| survey |\n| | type | name | label | choice_filter |\n| | select_one_external city | city | City | |\n| | select_one_external district | district | District | city=${city} |\n",
    )
    .expect("write");
    let path = t.path().join("ext.md");
    let md = path.to_str().expect("path");
    let data = t.path().join("data");
    let (code, stdout, _) = cli(&data, &["validate", md]);
    assert_eq!(code, 1, "no itemsets.csv yet: {stdout}");
    assert!(stdout.contains("itemsets.csv"), "{stdout}");
    fs::write(
        t.path().join("itemsets.csv"),
        "list_name,name,label,city\ncity,to,Torino,\ncity,mi,Milano,\ndistrict,d1,Centro,to\ndistrict,d1,Centro,mi\n",
    )
    .expect("write");
    let (code, stdout, _) = cli(&data, &["validate", md]);
    assert_eq!(code, 1, "a name twice in one list: {stdout}");
    assert!(
        stdout.contains("itemsets.csv, line 5: duplicate value \"d1\""),
        "{stdout}"
    );
    fs::write(
        t.path().join("itemsets.csv"),
        "list_name,name,label,city\ncity,to,Torino,\ncity,mi,Milano,\ndistrict,d1,Centro,to\ndistrict,d2,Duomo,mi\n",
    )
    .expect("write");
    let (code, stdout, _) = cli(&data, &["validate", md]);
    assert_eq!(code, 0, "{stdout}");
    let (_, form) = rileva::form::xlsform::load_path(&path).expect("loads");
    let names = |q: &str| {
        let list = form.list_of(form.by_name(q).expect("q")).expect("a list");
        list.choices
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names("city"), ["to", "mi"]);
    assert_eq!(names("district"), ["d1", "d2"]);
}
