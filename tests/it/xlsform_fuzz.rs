//! No panic on damaged XLSForm files: every workbook of pyxform's corpus
//! (../shared/xlsform-corpus/pyxform) and its Markdown cases, mutated in many
//! deterministic ways (bytes flipped, cut short, repeated, words of binary
//! containers overwritten; for the text formats also cells and pipes moved),
//! must load to a form or to problems. (Their memory is bounded too; the
//! files that broke that bound are in cli_xlsform.rs, read by a child
//! process whose memory is limited.)

use rileva::form::xlsform::{self, Format, Source};

/// xorshift64*: a small deterministic generator, so that a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(bytes: &[u8], rng: &mut Rng, text: bool) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = b.len();
        match rng.below(if text { 6 } else { 5 }) {
            0 if len > 0 => {
                let i = rng.below(len);
                b[i] ^= 1 << rng.below(8);
            }
            1 => b.truncate(rng.below(len + 1)),
            2 if len > 0 => {
                let i = rng.below(len);
                let j = (i + rng.below(64)).min(len);
                let chunk = b[i..j].to_vec();
                let at = rng.below(len);
                b.splice(at..at, chunk);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let j = (i + rng.below(32)).min(len);
                b.drain(i..j);
            }
            // A word of a binary container overwritten: sector ids, sizes,
            // row and column numbers (found calamine's unbounded reads).
            4 if !text && len >= 4 => {
                let at = rng.below(len / 4) * 4;
                let word: u32 = match rng.below(4) {
                    0 => 0xFFFF_FFFF,
                    1 => rng.below(64) as u32,
                    2 => 0xFFFF,
                    _ => rng.next() as u32,
                };
                b[at..at + 4].copy_from_slice(&word.to_le_bytes());
            }
            4 => {
                let at = rng.below(len + 1);
                let piece: &[u8] = match rng.below(6) {
                    0 => b"|",
                    1 => b"\n",
                    2 => b",",
                    3 => b"begin group",
                    4 => b"${",
                    _ => b"\"",
                };
                b.splice(at..at, piece.iter().copied());
            }
            _ => {
                // Swap two lines.
                let s = String::from_utf8_lossy(&b).into_owned();
                let mut lines: Vec<&str> = s.split('\n').collect();
                let n = lines.len();
                lines.swap(rng.below(n), rng.below(n));
                b = lines.join("\n").into_bytes();
            }
        }
    }
    b
}

fn load(bytes: &[u8], format: Format) {
    let files = |_: &str| Some(Ok("name,label\na,A\n".to_string()));
    let src = Source {
        bytes,
        format,
        stem: "f",
        shown: "f",
        form_name: None,
    };
    let _ = xlsform::load_bytes(src, &files);
}

#[test]
fn damaged_corpus_files_never_panic() {
    let Some(dir) = crate::shared::dir("xlsform-corpus/pyxform", "xlsform fuzz") else {
        return;
    };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut files = 0;
    for sub in ["example_xls", "bug_example_xls"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(format) = Format::of_path(&path) else {
                continue;
            };
            let bytes = std::fs::read(&path).expect("corpus file");
            let text = matches!(format, Format::Csv | Format::Md);
            load(&bytes, format);
            for _ in 0..if text { 60 } else { 25 } {
                load(&mutate(&bytes, &mut rng, text), format);
            }
            files += 1;
        }
    }
    let cases = std::fs::read_to_string(dir.join("md-cases.jsonl")).expect("md cases");
    for (i, line) in cases.lines().enumerate().filter(|(i, _)| i % 4 == 0) {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
        let md = v["md"].as_str().unwrap_or("").as_bytes().to_vec();
        for k in 0..8 {
            let mut r = Rng((i as u64 + 1) * 7919 + k);
            load(&mutate(&md, &mut r, true), Format::Md);
        }
    }
    assert!(files > 50, "only {files} corpus files found");
}
