//! Encrypted submissions, as ODK Collect makes them (the ODK XForms
//! encryption sub-specification): a random AES-256 key, encrypted with the
//! form's RSA public key (OAEP, SHA-256 with MGF1 over SHA-1, Java's
//! `RSA/NONE/OAEPWithSHA256AndMGF1Padding`); each attached file and then
//! the submission XML encrypted with it (AES-CFB, PKCS#5 padding), each
//! with its own IV (the MD5 of the instanceID and the key, one byte of it
//! raised per file); and a manifest naming the files, carrying the
//! encrypted key and a signature (the MD5 of the form id, version, key,
//! instanceID and each file's MD5, encrypted with the public key). The
//! plaintext never leaves the machine.

use base64::Engine;
use md5::{Digest, Md5};
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::RandomizedEncryptor;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncryptError {
    #[error("the form's public key is not a base64 RSA public key ({0})")]
    BadKey(String),
    #[error("encryption failed: {0}")]
    Failed(String),
}

/// A submission ready to go: its manifest (sent as `xml_submission_file`)
/// and its encrypted files (`name.enc`), the submission's last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub manifest: Vec<u8>,
    pub files: Vec<(String, Vec<u8>)>,
}

/// The IVs of a submission's files, in the order they are encrypted.
pub struct Ivs {
    seed: [u8; 16],
    counter: usize,
}

impl Ivs {
    pub fn new(instance_id: &str, key: &[u8]) -> Ivs {
        let mut h = Md5::new();
        h.update(instance_id.as_bytes());
        h.update(key);
        let mut seed = [0u8; 16];
        seed.copy_from_slice(&h.finalize());
        Ivs { seed, counter: 0 }
    }

    /// The next file's IV.
    pub fn next_iv(&mut self) -> [u8; 16] {
        let i = self.counter % self.seed.len();
        self.seed[i] = self.seed[i].wrapping_add(1);
        self.counter += 1;
        self.seed
    }
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// AES-256-CFB of `plain`, padded to the block as PKCS#5 pads.
fn aes_cfb(key: &[u8], iv: &[u8; 16], plain: &[u8]) -> Result<Vec<u8>, EncryptError> {
    use cfb_mode::cipher::KeyIvInit;
    let pad = 16 - plain.len() % 16;
    let mut buf = Vec::with_capacity(plain.len() + pad);
    buf.extend_from_slice(plain);
    buf.extend(std::iter::repeat_n(u8::try_from(pad).unwrap_or(16), pad));
    let cipher = cfb_mode::Encryptor::<aes::Aes256>::new_from_slices(key, iv)
        .map_err(|e| EncryptError::Failed(e.to_string()))?;
    cipher.encrypt(&mut buf);
    Ok(buf)
}

/// Encrypts a submission for `public_key` (base64 DER, as the XLSForm's
/// `public_key` setting and the XForm's `base64RsaPublicKey` have it).
/// `instance_id` is `uuid:…`; `media` the attached files, by name.
pub fn seal(
    public_key: &str,
    form_id: &str,
    version: &str,
    instance_id: &str,
    xml: &[u8],
    media: &[(String, Vec<u8>)],
) -> Result<Sealed, EncryptError> {
    let der = B64
        .decode(public_key.split_whitespace().collect::<String>())
        .map_err(|e| EncryptError::BadKey(e.to_string()))?;
    let public = rsa::PublicKey::from_public_key_der(&der)
        .map_err(|e| EncryptError::BadKey(e.to_string()))?;
    let rsa_key = rsa::oaep::EncryptingKey::<sha2::Sha256, sha1::Sha1>::new(public);
    let mut rng = getrandom::SysRng;
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| EncryptError::Failed(e.to_string()))?;
    let encrypted_key = B64.encode(
        rsa_key
            .encrypt_with_rng(&mut rng, &key)
            .map_err(|e| EncryptError::Failed(e.to_string()))?,
    );
    let mut ivs = Ivs::new(instance_id, &key);
    let mut files = Vec::with_capacity(media.len() + 1);
    let mut signed = vec![form_id.to_string()];
    if !version.is_empty() {
        signed.push(version.to_string());
    }
    signed.push(encrypted_key.clone());
    signed.push(instance_id.to_string());
    for (name, bytes) in media {
        files.push((format!("{name}.enc"), aes_cfb(&key, &ivs.next_iv(), bytes)?));
        signed.push(format!("{name}::{}", md5_hex(bytes)));
    }
    files.push((
        "submission.xml.enc".to_string(),
        aes_cfb(&key, &ivs.next_iv(), xml)?,
    ));
    signed.push(format!("submission.xml::{}", md5_hex(xml)));
    // ODK Collect ends the signed text with a newline too.
    let mut text = signed.join("\n");
    text.push('\n');
    let signature = B64.encode(
        rsa_key
            .encrypt_with_rng(&mut rng, &Md5::digest(text.as_bytes()))
            .map_err(|e| EncryptError::Failed(e.to_string()))?,
    );
    let esc = |s: &str| quick_xml::escape::escape(s).into_owned();
    let version_attr = if version.is_empty() {
        String::new()
    } else {
        format!(" version=\"{}\"", esc(version))
    };
    let media_xml: String = files
        .iter()
        .take(media.len())
        .map(|(n, _)| format!("<media><file>{}</file></media>", esc(n)))
        .collect();
    let manifest = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<data xmlns=\"http://opendatakit.org/submissions\" encrypted=\"yes\" id=\"{}\"{version_attr}><base64EncryptedKey>{encrypted_key}</base64EncryptedKey><meta xmlns=\"http://openrosa.org/xforms\"><instanceID>{}</instanceID></meta>{media_xml}<encryptedXmlFile>submission.xml.enc</encryptedXmlFile><base64EncryptedElementSignature>{signature}</base64EncryptedElementSignature></data>",
        esc(form_id),
        esc(instance_id),
    );
    Ok(Sealed {
        manifest: manifest.into_bytes(),
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ivs_raise_one_byte_each_file_round_the_seed() {
        let mut ivs = Ivs::new("uuid:x", b"k");
        let seed = ivs.seed;
        let first = ivs.next_iv();
        assert_eq!(first[0], seed[0].wrapping_add(1));
        assert_eq!(first[1..], seed[1..]);
        let second = ivs.next_iv();
        assert_eq!(second[1], seed[1].wrapping_add(1));
        for _ in 2..16 {
            ivs.next_iv();
        }
        assert_eq!(ivs.next_iv()[0], seed[0].wrapping_add(2), "round again");
    }

    #[test]
    fn padding_fills_to_the_block_and_a_whole_block_more() {
        let key = [7u8; 32];
        let iv = [1u8; 16];
        assert_eq!(aes_cfb(&key, &iv, b"abc").expect("enc").len(), 16);
        assert_eq!(aes_cfb(&key, &iv, &[0u8; 16]).expect("enc").len(), 32);
    }

    #[test]
    fn a_key_that_is_not_one_is_refused() {
        assert!(matches!(
            seal("not base64!", "f", "1", "uuid:a", b"<x/>", &[]),
            Err(EncryptError::BadKey(_))
        ));
        assert!(matches!(
            seal("AAAA", "f", "1", "uuid:a", b"<x/>", &[]),
            Err(EncryptError::BadKey(_))
        ));
    }
}
