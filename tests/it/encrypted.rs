//! Encrypted submissions: a form with a public key (its own `public_key`
//! setting, or the one the server's copy of the form carries) is sent as
//! ODK Collect sends it; what the server got is decrypted here with the
//! private key and compared with the plain XML, the signature checked, and
//! no answer found in clear on the wire.

use crate::e2e_support::cli;
use crate::stub_central::Stub;
use crate::tui_support::Harness;
use base64::Engine;
use md5::{Digest, Md5};
use rileva::form::FormBundle;
use rsa::pkcs8::EncodePublicKey;
use rsa::traits::Decryptor;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

fn form(key: Option<&str>) -> String {
    let setting = key
        .map(|k| format!(",\"public_key\":\"{k}\""))
        .unwrap_or_default();
    format!(
        r#"{{"format":"rileva-form/1","settings":{{"form_id":"segreto","version":"3"{setting}}},"survey":[
  {{"type":"text","name":"nome","label":"Nome"}},
  {{"type":"image","name":"foto","label":"Foto"}}]}}"#
    )
}

fn keys() -> (rsa::PrivateKey, String) {
    let private = rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).expect("a key");
    let der = private.to_public_key().to_public_key_der().expect("der");
    (private, B64.encode(der.as_bytes()))
}

/// A finished response ("Sig.ra Riservata", a photo) on `definition`.
fn response(definition: &str) -> Harness {
    let mut h = Harness::with_bundle(FormBundle {
        definition: definition.into(),
        files: Default::default(),
    });
    let src = tempfile::tempdir().expect("temp dir");
    let png = src.path().join("volto.png");
    std::fs::write(&png, PNG).expect("png");
    h.keys("Anna<Enter>nSig.ra Riservata<Enter>");
    h.keys(&png.display().to_string().replace('<', "<<"));
    h.keys("<Enter>fs");
    h
}

fn element(xml: &str, name: &str) -> String {
    let start = xml.find(&format!("<{name}>")).expect(name) + name.len() + 2;
    let end = xml[start..].find(&format!("</{name}>")).expect(name) + start;
    xml[start..end].to_string()
}

fn decrypt(key: &[u8], iv: &[u8; 16], data: &[u8]) -> Vec<u8> {
    use cfb_mode::cipher::KeyIvInit;
    let mut buf = data.to_vec();
    cfb_mode::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
        .expect("key and iv")
        .decrypt(&mut buf);
    let pad = usize::from(*buf.last().expect("padded"));
    assert!(
        (1..=16).contains(&pad)
            && buf[buf.len() - pad..]
                .iter()
                .all(|&b| usize::from(b) == pad)
    );
    buf.truncate(buf.len() - pad);
    buf
}

/// Sends the response to a stub, and checks what the stub got against the
/// plain XML rileva exports, with `private`.
fn sent_and_decrypted(h: &Harness, stub: &Stub, private: &rsa::PrivateKey) {
    let dir = h.dir.path();
    let (code, out, err) = cli(dir, &["server", "add", "c", &stub.base]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = cli(dir, &["send"]);
    assert_eq!(code, 0, "{out}{err}");
    let kept = stub.with(|s| s.instances.clone());
    let (instance, k) = kept.iter().next().expect("one instance");
    let manifest = &k.versions[0];
    assert!(
        manifest.contains("encrypted=\"yes\" id=\"segreto\" version=\"3\""),
        "{manifest}"
    );
    let names: Vec<&str> = k.attachments.iter().map(|(n, _)| n.as_str()).collect();
    let photo = names
        .iter()
        .find(|n| n.ends_with(".png.enc"))
        .expect("the photo, encrypted")
        .to_string();
    assert_eq!(names.last(), Some(&"submission.xml.enc"));
    assert!(manifest.contains(&format!("<media><file>{photo}</file></media>")));
    for (_, bytes) in &k.attachments {
        assert!(
            !bytes.windows(9).any(|w| w == b"Riservata"),
            "no answer in clear"
        );
    }
    assert!(!manifest.contains("Riservata"));

    let oaep = rsa::oaep::DecryptingKey::<sha2::Sha256, sha1::Sha1>::new(private.clone());
    let key = oaep
        .decrypt(
            &B64.decode(element(manifest, "base64EncryptedKey"))
                .expect("b64"),
        )
        .expect("the key decrypts");
    assert_eq!(key.len(), 32);
    let mut h5 = Md5::new();
    h5.update(instance.as_bytes());
    h5.update(&key);
    let mut seed: [u8; 16] = h5.finalize().into();
    let mut next = |i: usize| {
        seed[i % 16] = seed[i % 16].wrapping_add(1);
        seed
    };
    let file = |name: &str| {
        k.attachments
            .iter()
            .find(|(n, _)| n == name)
            .expect(name)
            .1
            .clone()
    };
    let photo_plain = decrypt(&key, &next(0), &file(&photo));
    assert_eq!(photo_plain, PNG);
    let xml = decrypt(&key, &next(1), &file("submission.xml.enc"));

    let out_dir = tempfile::tempdir().expect("out");
    let (code, _, err) = cli(
        dir,
        &[
            "export",
            "--format",
            "xml",
            "--all",
            "--out",
            out_dir.path().to_str().expect("path"),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let id = instance.trim_start_matches("uuid:");
    let plain = std::fs::read(out_dir.path().join(format!("{id}.xml"))).expect("plain xml");
    assert_eq!(
        String::from_utf8_lossy(&xml),
        String::from_utf8_lossy(&plain),
        "decrypted = exported"
    );

    // The form id, its version, the encrypted key, the instanceID and each
    // file's name and MD5, a line each (the last one too).
    let signed = [
        "segreto".to_string(),
        "3".to_string(),
        element(manifest, "base64EncryptedKey"),
        instance.clone(),
        format!(
            "{}::{}",
            photo.trim_end_matches(".enc"),
            hex(&Md5::digest(PNG))
        ),
        format!("submission.xml::{}", hex(&Md5::digest(&plain))),
    ]
    .map(|l| format!("{l}\n"))
    .concat();
    let signature = oaep
        .decrypt(
            &B64.decode(element(manifest, "base64EncryptedElementSignature"))
                .expect("b64"),
        )
        .expect("the signature decrypts");
    assert_eq!(
        signature,
        Md5::digest(signed.as_bytes()).to_vec(),
        "the signature"
    );
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn a_form_with_a_public_key_is_sent_encrypted_and_decrypts_to_the_plain_xml() {
    let (private, public) = keys();
    let h = response(&form(Some(&public)));
    let stub = Stub::start("/v1/key/T/projects/1", &[("segreto", "3")]);
    sent_and_decrypted(&h, &stub, &private);
}

#[test]
fn the_servers_copy_of_the_form_may_carry_the_key() {
    let (private, public) = keys();
    let h = response(&form(None));
    let stub = Stub::start("/v1/key/T/projects/1", &[("segreto", "3")]);
    stub.with(|s| s.keys.insert("segreto".into(), public));
    sent_and_decrypted(&h, &stub, &private);
}
