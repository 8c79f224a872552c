//! The compound file (MS-CFB) of an .xls, walked as calamine 0.38 walks it
//! (`cfb.rs`: header, DIFAT, FAT, directory, mini stream, the `Workbook`
//! stream), to get the stream calamine will parse. calamine follows sector
//! chains without looking for loops and reads past the file's end; here each
//! chain must end, and each sector it names must lie inside the file, or the
//! file is refused as damaged. A file accepted here is one calamine reads in
//! memory proportional to its length, and its stream is exactly calamine's.

use super::Refusal;

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// Ids from here up mark the end of the DIFAT chain.
const RESERVED: u32 = 0xFFFF_FFFA;
/// Ids from here up are not FAT sectors.
const DIFSECT: u32 = 0xFFFF_FFFC;
const SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// calamine reads a stream shorter than this from the mini stream.
const MINI_CUTOFF: usize = 4096;
const MINI_SECTOR: usize = 64;

fn damaged(why: impl Into<String>) -> Refusal {
    Refusal::Damaged(why.into())
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn words(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
}

/// Sectors of one size over a run of bytes (the file after its header, or
/// the mini stream).
struct Sectors<'a> {
    data: &'a [u8],
    size: usize,
    /// calamine's bound on ids: the file's length in sectors.
    maxid: u32,
    what: &'static str,
}

impl<'a> Sectors<'a> {
    /// A sector, whole: calamine would read a partial one past the end.
    fn get(&self, id: u32) -> Result<&'a [u8], Refusal> {
        let start = (id as usize).saturating_mul(self.size);
        if id > self.maxid {
            return Err(damaged(format!(
                "sector {id} lies past the end of {}",
                self.what
            )));
        }
        self.data
            .get(start..start.saturating_add(self.size))
            .ok_or_else(|| damaged(format!("sector {id} lies past the end of {}", self.what)))
    }

    /// How many whole sectors there are: a chain longer than that loops.
    fn count(&self) -> usize {
        self.data.len() / self.size
    }

    /// A chain from `start`, `len` bytes at most, as calamine's `get_chain`.
    fn chain(&self, start: u32, fat: &[u32], len: usize, of: &str) -> Result<Vec<u8>, Refusal> {
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0usize;
        while id != ENDOFCHAIN {
            steps += 1;
            if steps > self.count() {
                return Err(damaged(format!("the chain of sectors of {of} loops")));
            }
            let sector = self.get(id)?;
            let take = sector.len().min(len.saturating_sub(out.len()));
            out.extend_from_slice(sector.get(..take).unwrap_or_default());
            if out.len() >= len {
                break;
            }
            id = *fat
                .get(id as usize)
                .ok_or_else(|| damaged(format!("the chain of sectors of {of} leaves the table")))?;
        }
        Ok(out)
    }
}

/// One directory entry: what calamine keeps of it.
struct Entry {
    name: String,
    start: u32,
    len: usize,
}

fn entry(buf: &[u8], large: bool) -> Result<Entry, Refusal> {
    let raw = buf.get(..64).unwrap_or_default();
    // As calamine decodes it (encoding_rs, which also sniffs a BOM), so that
    // the stream found by name is the one it finds.
    let mut name = encoding_rs::UTF_16LE.decode(raw).0.into_owned();
    if let Some(nul) = name.bytes().position(|b| b == 0) {
        name.truncate(nul);
    }
    let start = u32_at(buf, 116).unwrap_or(ENDOFCHAIN);
    let len = if large {
        usize::try_from(u64_at(buf, 120).unwrap_or(0))
            .map_err(|_| damaged("a stream declares a length beyond any memory"))?
    } else {
        u32_at(buf, 120).unwrap_or(0) as usize
    };
    Ok(Entry { name, start, len })
}

/// The `Workbook` (or old `Book`) stream, or `None` when calamine will stop
/// before reading anything large (not a compound file, no such stream).
pub(super) fn workbook_stream(file: &[u8]) -> Result<Option<Vec<u8>>, Refusal> {
    let Some(header) = file.get(..512) else {
        return Ok(None);
    };
    if header.get(..8) != Some(SIGNATURE) {
        return Ok(None);
    }
    let version = u16_at(header, 26).unwrap_or(0);
    let (size, header_len) = match u16_at(header, 30) {
        Some(0x0009) => (512, 512),
        Some(0x000C) => (4096, 4096),
        _ => return Ok(None),
    };
    if u16_at(header, 32) != Some(0x0006) || file.len() < header_len {
        return Ok(None);
    }
    let field = |at| u32_at(header, at).unwrap_or(0);
    let (dir_start, mini_fat_start, mini_fat_len, difat_start) =
        (field(48), field(60), field(64) as usize, field(68));
    let maxid = file.len() / size;
    let sectors = Sectors {
        data: file.get(header_len..).unwrap_or_default(),
        size,
        maxid: u32::try_from(maxid).unwrap_or(u32::MAX),
        what: "the file",
    };

    // The DIFAT: 109 ids in the header, then a chain of sectors, each ending
    // with the next one's id.
    let mut difat: Vec<u32> = words(header.get(76..512).unwrap_or_default()).collect();
    let mut id = difat_start;
    let mut difat_sectors = 0usize;
    while id < RESERVED {
        difat_sectors += 1;
        if difat_sectors > maxid.saturating_add(1) {
            return Err(damaged("the chain of sectors of the DIFAT loops"));
        }
        difat.extend(words(sectors.get(id)?));
        id = difat.pop().unwrap_or(ENDOFCHAIN);
    }
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|&id| id < DIFSECT).collect();
    if fat_sectors.len() > sectors.count() {
        // The same sector listed again and again: calamine's table would
        // grow far beyond the file.
        return Err(damaged(
            "the file lists more FAT sectors than it holds sectors",
        ));
    }
    let mut fat = Vec::new();
    for id in fat_sectors {
        fat.extend(words(sectors.get(id)?));
    }

    let dir = sectors.chain(dir_start, &fat, usize::MAX, "the directory")?;
    let entries = dir
        .chunks(128)
        .filter(|c| c.len() == 128)
        .map(|c| entry(c, size == 4096))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(root) = entries.first() else {
        return Ok(None);
    };
    if version != 3 && root.start == ENDOFCHAIN {
        return Ok(None);
    }
    let (mini_fat, mini_stream) = if mini_fat_len > 0 {
        let stream = sectors.chain(root.start, &fat, root.len, "the mini stream")?;
        let table = sectors.chain(
            mini_fat_start,
            &fat,
            mini_fat_len.saturating_mul(size),
            "the mini FAT",
        )?;
        (words(&table).collect(), stream)
    } else {
        (Vec::new(), Vec::new())
    };
    let mini = Sectors {
        data: &mini_stream,
        size: MINI_SECTOR,
        maxid: u32::try_from(maxid.saturating_mul(8)).unwrap_or(u32::MAX),
        what: "the mini stream",
    };
    let find = |name: &str| {
        entries
            .iter()
            .find(|e| e.name.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
    };
    let Some(book) = find("Workbook").or_else(|| find("Book")) else {
        return Ok(None);
    };
    let stream = if book.len < MINI_CUTOFF {
        mini.chain(book.start, &mini_fat, book.len, "the workbook")?
    } else {
        sectors.chain(book.start, &fat, book.len, "the workbook")?
    };
    Ok(Some(stream))
}
