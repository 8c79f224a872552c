//! `distance()` and `area()`, with JavaRosa's formulas (`GeoUtils`): the
//! spherical law of cosines for distances and a flat projection around the
//! first point for areas, on a sphere of radius 6,378,100 m.

/// JavaRosa's earth radius, in metres.
const EARTH_RADIUS: f64 = 6_378_100.0;
const EARTH_CIRCUMFERENCE: f64 = 2.0 * EARTH_RADIUS * std::f64::consts::PI;

/// A point: latitude and longitude in degrees.
pub(crate) type LatLon = (f64, f64);

/// Reads a geopoint `lat lon [alt [acc]]` as JavaRosa's `GeoPointData` does:
/// parts separated by spaces, missing parts are 0 (so `""` is the point
/// 0 0), more than four parts or a part that is not a number is an error.
pub(crate) fn parse_point(s: &str) -> Option<LatLon> {
    let mut parts = [0.0f64; 4];
    for (i, token) in s.split(' ').filter(|t| !t.is_empty()).enumerate() {
        *parts.get_mut(i)? = token.parse().ok()?;
    }
    Some((parts[0], parts[1]))
}

/// Reads a geotrace or geoshape `p1;p2;...` as JavaRosa's `GeoShapeData`
/// does: Java's `split(";")` (trailing empty parts dropped), each part
/// trimmed and read as a point.
pub(crate) fn parse_shape(s: &str) -> Option<Vec<LatLon>> {
    let mut parts: Vec<&str> = s.split(';').collect();
    while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    parts
        .into_iter()
        .map(|p| parse_point(p.trim_matches(|c: char| c <= ' ')))
        .collect()
}

/// The sum of the great-circle distances between consecutive points, in
/// metres.
pub(crate) fn distance(points: &[LatLon]) -> f64 {
    points
        .windows(2)
        .map(|w| match w {
            [a, b] => distance_between(*a, *b),
            _ => 0.0,
        })
        .sum()
}

/// Spherical law of cosines, as JavaRosa computes it (imprecise below a
/// metre). The cosine is clamped to [-1, 1]: rounding can push it just past 1
/// for identical points, where `acos` would give NaN.
fn distance_between((lat1, lon1): LatLon, (lat2, lon2): LatLon) -> f64 {
    let dl = (lon1 - lon2).to_radians();
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let cos = p1.sin() * p2.sin() + p1.cos() * p2.cos() * dl.cos();
    cos.clamp(-1.0, 1.0).acos() * EARTH_RADIUS
}

/// The area enclosed by the points, in square metres: each point projected
/// to metres east and north of the first one (east scaled by the cosine of
/// its own latitude), then the shoelace formula over the fan of triangles.
/// Fewer than three points enclose nothing.
pub(crate) fn area(points: &[LatLon]) -> f64 {
    let Some(((lat0, lon0), rest)) = points.split_first() else {
        return 0.0;
    };
    if rest.len() < 2 {
        return 0.0;
    }
    let projected: Vec<(f64, f64)> = rest
        .iter()
        .map(|&(lat, lon)| {
            let y = (lat - lat0) * EARTH_CIRCUMFERENCE / 360.0;
            let x = (lon - lon0) * EARTH_CIRCUMFERENCE * lat.to_radians().cos() / 360.0;
            (x, y)
        })
        .collect();
    let sum: f64 = projected
        .windows(2)
        .map(|w| match w {
            [(x1, y1), (x2, y2)] => (y1 * x2 - x1 * y2) / 2.0,
            _ => 0.0,
        })
        .sum();
    sum.abs()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn points_follow_javarosa() {
        assert_eq!(parse_point("-23.5 -46.6 760 5"), Some((-23.5, -46.6)));
        assert_eq!(parse_point("  1   2  "), Some((1.0, 2.0)));
        assert_eq!(parse_point(""), Some((0.0, 0.0)));
        assert_eq!(parse_point("7"), Some((7.0, 0.0)));
        assert_eq!(parse_point("1 2 3 4 5"), None);
        assert_eq!(parse_point("a b"), None);
        assert_eq!(parse_shape("1 2;3 4;"), Some(vec![(1.0, 2.0), (3.0, 4.0)]));
        assert_eq!(parse_shape(""), Some(vec![(0.0, 0.0)]));
        assert_eq!(parse_shape("1 2; ;3 4").map(|v| v.len()), Some(3));
        assert_eq!(parse_shape("1 2;x"), None);
    }

    #[test]
    fn javarosa_numbers() {
        let trace =
            parse_shape("-23.5505 -46.6333 760 5;-23.5605 -46.6433 762 5;-23.5705 -46.6333 758 5")
                .unwrap_or_default();
        assert!(close(distance(&trace), 3020.19014542737));
        assert!(close(area(&trace), 1135887.9292798014));
        let shape = parse_shape("-23.5505 -46.6333 0 0;-23.5505 -46.6233 0 0;-23.5605 -46.6233 0 0;-23.5605 -46.6333 0 0;-23.5505 -46.6333 0 0").unwrap_or_default();
        assert!(close(distance(&shape), 4267.237348415521));
        assert!(close(area(&shape), 1135931.145885644));
    }

    #[test]
    fn degenerate_inputs() {
        assert_eq!(distance(&[]), 0.0);
        assert_eq!(distance(&[(1.0, 2.0)]), 0.0);
        // The law of cosines is ill-conditioned for tiny distances (JavaRosa's
        // formula, kept): identical points are within a metre, never NaN.
        let same = distance(&[(45.123456, 7.654321), (45.123456, 7.654321)]);
        assert!((0.0..1.0).contains(&same), "{same}");
        assert_eq!(area(&[(1.0, 2.0), (3.0, 4.0)]), 0.0);
        assert!(distance(&[(f64::NAN, 0.0), (1.0, 1.0)]).is_nan());
    }
}
