//! Choices from a GeoJSON file (`select_one_from_file places.geojson`), as
//! ODK Collect reads one: each feature of the FeatureCollection is a
//! choice; its `id` (the feature's, or its properties') and its
//! properties are the columns `value=` and `label=` pick from (by default
//! `id` and `title`), and its geometry is kept, in ODK's geo format
//! (`lat lon alt 0`, points separated by `; `), as the column `geometry`.

use serde_json::Value;

/// The columns and rows of a GeoJSON file, as a CSV list has them.
pub(super) fn rows(content: &str) -> Result<(Vec<String>, Vec<Vec<String>>), String> {
    let doc: Value =
        serde_json::from_str(content).map_err(|e| format!("not valid GeoJSON: {e}"))?;
    if doc.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err("a GeoJSON file of choices must be a FeatureCollection".into());
    }
    let features = doc
        .get("features")
        .and_then(Value::as_array)
        .ok_or("the FeatureCollection has no \"features\" list")?;
    let mut columns: Vec<String> = vec!["geometry".into(), "id".into()];
    for f in features {
        if let Some(props) = f.get("properties").and_then(Value::as_object) {
            for k in props.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
    }
    let mut out = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let at = i + 1;
        if f.get("type").and_then(Value::as_str) != Some("Feature") {
            return Err(format!("feature {at} is not a \"Feature\""));
        }
        let geometry = f
            .get("geometry")
            .map(geometry)
            .transpose()
            .map_err(|e| format!("feature {at}: {e}"))?
            .unwrap_or_default();
        let props = f.get("properties").and_then(Value::as_object);
        let id = f
            .get("id")
            .or_else(|| props.and_then(|p| p.get("id")))
            .map(text)
            .unwrap_or_default();
        let mut row = vec![geometry, id];
        for c in columns.iter().skip(2) {
            row.push(props.and_then(|p| p.get(c)).map(text).unwrap_or_default());
        }
        out.push(row);
    }
    Ok((columns, out))
}

/// A property as text: strings as they are, numbers and booleans written.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A Point, LineString or Polygon (its outer ring) in ODK's geo format.
fn geometry(g: &Value) -> Result<String, String> {
    if g.is_null() {
        return Ok(String::new());
    }
    let kind = g.get("type").and_then(Value::as_str).unwrap_or("");
    let coords = g
        .get("coordinates")
        .ok_or("a geometry without coordinates")?;
    let points: Vec<&Value> = match kind {
        "Point" => vec![coords],
        "LineString" => coords
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        "Polygon" => coords
            .as_array()
            .and_then(|rings| rings.first())
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        other => {
            return Err(format!(
                "the geometry type \"{other}\" is not a Point, LineString or Polygon"
            ));
        }
    };
    let mut out = Vec::with_capacity(points.len());
    for p in points {
        let n: Vec<f64> = p
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        let (Some(lon), Some(lat)) = (n.first(), n.get(1)) else {
            return Err("a position needs a longitude and a latitude".into());
        };
        let alt = n.get(2).copied().unwrap_or(0.0);
        out.push(format!("{lat} {lon} {alt} 0"));
    }
    if out.is_empty() {
        return Err(format!("the {kind} has no positions"));
    }
    Ok(out.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PLACES: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","id":"to","geometry":{"type":"Point","coordinates":[7.68,45.07]},
       "properties":{"title":"Torino","region":"Piemonte"}},
      {"type":"Feature","geometry":{"type":"LineString","coordinates":[[7.6,45.0,240],[7.7,45.1]]},
       "properties":{"id":12,"title":"Po"}}]}"#;

    #[test]
    fn features_are_rows_with_their_geometry() {
        let (cols, rows) = rows(PLACES).expect("read");
        assert_eq!(cols, ["geometry", "id", "title", "region"]);
        assert_eq!(rows[0], ["45.07 7.68 0 0", "to", "Torino", "Piemonte"]);
        assert_eq!(rows[1], ["45 7.6 240 0; 45.1 7.7 0 0", "12", "Po", ""]);
    }

    #[test]
    fn what_is_not_a_feature_collection_is_said() {
        assert!(rows("[]").unwrap_err().contains("FeatureCollection"));
        assert!(rows("{").unwrap_err().contains("not valid GeoJSON"));
        let bad = r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Circle","coordinates":[1,2]}}]}"#;
        assert!(rows(bad).unwrap_err().contains("feature 1"));
    }

    proptest! {
        #[test]
        fn any_text_never_panics(s in ".{0,200}") {
            let _ = rows(&s);
        }
    }
}
