//! Times as rileva writes them: RFC 3339 with milliseconds and the local offset.

use jiff::ZonedDateTime;

pub fn rfc3339(t: &ZonedDateTime) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
}

pub fn now_rfc3339() -> String {
    rfc3339(&ZonedDateTime::now())
}

#[cfg(test)]
mod tests {
    #[test]
    fn format_is_rfc3339_with_millis() {
        let t: jiff::ZonedDateTime = "2020-05-11T10:30:00.5+02:00[Europe/Rome]".parse().unwrap();
        assert_eq!(super::rfc3339(&t), "2020-05-11T10:30:00.500+02:00");
    }
}
