//! Media questions: which files a question takes (its type, its `accept`
//! list), what a file is by its first bytes, and the name the answer gives
//! it. Pure: the store reads and copies the file, and asks here.

use crate::form::{Kind, Media, Node};
use crate::lang::{Lang, Tr};
use sha2::{Digest, Sha256};

/// The largest file a question takes, in bytes (ODK Central's default
/// request limit is 100 MB; a submission carries its files with it).
pub const MAX_BYTES: u64 = 100 * 1024 * 1024;

/// How many bytes of a file are enough to tell its type.
pub const HEAD_BYTES: usize = 8192;

/// Why a file is not attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachProblem {
    /// Nothing at the path typed.
    NotFound(String),
    /// A folder, a device…: not a plain file.
    NotAFile(String),
    Empty,
    TooLarge(u64),
    /// The question takes other files: what it takes, what the file is.
    WrongType {
        wanted: String,
        found: String,
    },
    /// The file could not be read or copied (the system's words).
    Io(String),
    /// The data directory is open read-only: nothing can be kept in it.
    ReadOnly,
}

const NOT_FOUND: Tr = Tr {
    it: "File non trovato",
    en: "No such file",
};
const NOT_A_FILE: Tr = Tr {
    it: "Non è un file",
    en: "Not a file",
};
const EMPTY: Tr = Tr {
    it: "Il file è vuoto",
    en: "The file is empty",
};
const TOO_LARGE: Tr = Tr {
    it: "File troppo grande: al massimo 100 MB, questo ne ha",
    en: "File too large: at most 100 MB, this one has",
};
const WRONG_TYPE: Tr = Tr {
    it: "Tipo di file non ammesso: la domanda vuole",
    en: "File type not accepted: the question takes",
};
const IS: Tr = Tr {
    it: "questo è",
    en: "this is",
};
const READ_ONLY: Tr = Tr {
    it: "La cartella dei dati è aperta in sola lettura: il file non si può allegare",
    en: "The data directory is open read-only: the file cannot be attached",
};
const IO: Tr = Tr {
    it: "File non leggibile",
    en: "Cannot read the file",
};

impl AttachProblem {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            AttachProblem::NotFound(p) => format!("{}: {p}", NOT_FOUND.get(lang)),
            AttachProblem::NotAFile(p) => format!("{}: {p}", NOT_A_FILE.get(lang)),
            AttachProblem::Empty => EMPTY.get(lang).to_string(),
            AttachProblem::TooLarge(n) => {
                format!("{} {:.1} MB", TOO_LARGE.get(lang), *n as f64 / 1e6)
            }
            AttachProblem::WrongType { wanted, found } => {
                format!(
                    "{} {wanted}; {} {found}",
                    WRONG_TYPE.get(lang),
                    IS.get(lang)
                )
            }
            AttachProblem::Io(e) => format!("{}: {e}", IO.get(lang)),
            AttachProblem::ReadOnly => READ_ONLY.get(lang).to_string(),
        }
    }
}

/// Extensions taken for each kind when the first bytes say nothing known
/// (formats `infer` does not recognise, such as some AMR or 3GP files).
fn extensions(m: Media) -> &'static [&'static str] {
    match m {
        Media::Image => &[
            "jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff", "heic", "heif", "svg",
        ],
        Media::Audio => &[
            "mp3", "m4a", "aac", "ogg", "oga", "opus", "wav", "amr", "flac", "3gpp", "3ga",
        ],
        Media::Video => &[
            "mp4", "m4v", "3gp", "mov", "mkv", "webm", "avi", "mpeg", "mpg",
        ],
        Media::File => &[],
    }
}

/// A file's type, as far as its first bytes and name tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// The MIME type its first bytes show, when `infer` knows them.
    pub mime: Option<String>,
    /// Its extension, in lower case ("" when it has none).
    pub ext: String,
}

impl Detected {
    pub fn of(file_name: &str, head: &[u8]) -> Detected {
        let ext = std::path::Path::new(file_name)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_lowercase();
        let mime = infer::get(head).map(|t| t.mime_type().to_string());
        Detected { mime, ext }
    }

    fn shown(&self) -> String {
        match (&self.mime, self.ext.as_str()) {
            (Some(m), _) => m.clone(),
            (None, "") => "?".into(),
            (None, e) => format!(".{e}"),
        }
    }
}

/// What a media question takes: its kind of file and its `accept` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Takes {
    pub media: Media,
    pub accept: Option<String>,
}

impl Takes {
    /// The rules of a media question (`None` for another kind of node).
    pub fn of(node: &Node) -> Option<Takes> {
        match node.kind {
            Kind::Media(media) => Some(Takes {
                media,
                accept: node.parameters.get("accept").cloned(),
            }),
            _ => None,
        }
    }

    /// What the question takes, in words for its messages.
    fn wanted(&self) -> String {
        if let Some(accept) = self.accept_list() {
            return accept.join(", ");
        }
        format!("{}/*", self.media.xlsform_name())
    }

    /// The `accept` list of a file question (`body::accept`: extensions such
    /// as `.pdf` and MIME types such as `image/*`, separated by commas).
    fn accept_list(&self) -> Option<Vec<String>> {
        let raw = self.accept.as_deref()?;
        let items: Vec<String> = raw
            .split([',', ' '])
            .map(|s| s.trim().to_lowercase())
            .filter(|s| !s.is_empty())
            .collect();
        (!items.is_empty()).then_some(items)
    }
}

fn mime_matches(pattern: &str, mime: &str) -> bool {
    match pattern.strip_suffix("/*") {
        Some(family) => mime.split('/').next() == Some(family),
        None => pattern == mime,
    }
}

/// Whether a media question takes a file of this type.
pub fn check_type(takes: &Takes, d: &Detected) -> Result<(), AttachProblem> {
    let m = takes.media;
    let refused = || AttachProblem::WrongType {
        wanted: takes.wanted(),
        found: d.shown(),
    };
    if let Some(accept) = takes.accept_list() {
        let ok = accept.iter().any(|a| match a.strip_prefix('.') {
            Some(ext) => ext == d.ext,
            None => d.mime.as_deref().is_some_and(|mime| mime_matches(a, mime)),
        });
        return if ok { Ok(()) } else { Err(refused()) };
    }
    let family = match m {
        Media::File => return Ok(()),
        other => other.xlsform_name(),
    };
    let ok = match &d.mime {
        Some(mime) => {
            mime_matches(&format!("{family}/*"), mime)
            // 3GP and MP4 files hold sound as well as pictures.
            || (m == Media::Audio && ["video/mp4", "video/3gpp"].contains(&mime.as_str())
                && extensions(Media::Audio).contains(&d.ext.as_str()))
        }
        None => extensions(m).contains(&d.ext.as_str()),
    };
    if ok { Ok(()) } else { Err(refused()) }
}

/// Whether a file of this size can be attached.
pub fn check_size(size: u64) -> Result<(), AttachProblem> {
    match size {
        0 => Err(AttachProblem::Empty),
        n if n > MAX_BYTES => Err(AttachProblem::TooLarge(n)),
        _ => Ok(()),
    }
}

/// The answer's file name for a file of content hash `sha256` (hex) first
/// named `original`: its name's stem made safe (letters, digits, `-`, `_`,
/// at most 40 of them), the first 12 digits of the hash, its extension.
/// The same content under the same name is the same file.
pub fn stored_name(original: &str, sha256: &str, ext: &str) -> String {
    let stem = std::path::Path::new(original)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let safe = safe.trim_matches('_');
    let hash: String = sha256.chars().take(12).collect();
    let ext: String = ext
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(10)
        .collect();
    let mut name = if safe.is_empty() {
        format!("file-{hash}")
    } else {
        format!("{safe}-{hash}")
    };
    if !ext.is_empty() {
        name.push('.');
        name.push_str(&ext);
    }
    name
}

/// The hex SHA-256 of some bytes.
pub fn sha256_hex(digest: Sha256) -> String {
    digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn takes(media: Media, accept: Option<&str>) -> Takes {
        Takes {
            media,
            accept: accept.map(str::to_string),
        }
    }

    #[test]
    fn a_file_question_says_what_it_takes() {
        let f = crate::engine::test_support::filling_of(
            "m",
            r#"[{"type":"file","name":"f","label":"F","parameters":{"accept":".pdf"}}]"#,
        );
        let n = f.form().node(crate::engine::test_support::id(&f, "f"));
        assert_eq!(Takes::of(n), Some(takes(Media::File, Some(".pdf"))));
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const PDF: &[u8] = b"%PDF-1.4\n";

    #[test]
    fn images_are_told_by_their_bytes_not_their_names() {
        let png = Detected::of("scan.pdf", PNG);
        assert_eq!(png.mime.as_deref(), Some("image/png"));
        assert!(check_type(&takes(Media::Image, None), &png).is_ok());
        let pdf = Detected::of("scan.jpg", PDF);
        let err = check_type(&takes(Media::Image, None), &pdf).unwrap_err();
        assert_eq!(
            err.text(Lang::En),
            "File type not accepted: the question takes image/*; this is application/pdf"
        );
        // Unknown bytes: the extension decides.
        let raw = Detected::of("voice.amr", b"garbage");
        assert!(check_type(&takes(Media::Audio, None), &raw).is_ok());
        assert!(check_type(&takes(Media::Video, None), &raw).is_err());
        // A file question without accept takes anything.
        assert!(check_type(&takes(Media::File, None), &raw).is_ok());
    }

    #[test]
    fn accept_takes_extensions_and_mime_patterns() {
        let n = takes(Media::File, Some(".pdf, image/*"));
        assert!(check_type(&n, &Detected::of("a.PDF", b"x")).is_ok());
        assert!(check_type(&n, &Detected::of("a.bin", PNG)).is_ok());
        let e = check_type(&n, &Detected::of("a.txt", b"hello")).unwrap_err();
        assert!(e.text(Lang::It).contains(".pdf, image/*"), "{e:?}");
    }

    #[test]
    fn sizes() {
        assert_eq!(check_size(0), Err(AttachProblem::Empty));
        assert!(check_size(1).is_ok());
        assert_eq!(
            check_size(MAX_BYTES + 1),
            Err(AttachProblem::TooLarge(MAX_BYTES + 1))
        );
    }

    #[test]
    fn stored_names_keep_the_stem_and_add_the_hash() {
        let h = "0123456789abcdef0123";
        assert_eq!(
            stored_name("Pagina 1.JPG", h, "jpg"),
            "Pagina_1-0123456789ab.jpg"
        );
        assert_eq!(stored_name("../../.x", h, ""), "x-0123456789ab");
        assert_eq!(stored_name("été", h, "png"), "t-0123456789ab.png");
        assert_eq!(stored_name("日本", h, "png"), "file-0123456789ab.png");
    }

    proptest! {
        /// Any name and any bytes: a name that is a valid stored answer,
        /// never a panic.
        #[test]
        fn names_and_types_never_panic(
            original in ".{0,80}",
            ext in ".{0,12}",
            head in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let name = stored_name(&original, "abcdef0123456789", &ext);
            prop_assert!(crate::form::values::file_name(&name).is_some(), "{}", name);
            let d = Detected::of(&original, &head);
            for m in Media::ALL {
                let _ = check_type(&takes(m, Some(&ext)), &d);
                let _ = check_type(&takes(m, None), &d);
            }
        }
    }
}
