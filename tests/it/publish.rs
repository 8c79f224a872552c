//! `rileva publish`: the open collection as a static site, from a real
//! store through the real binary. Consent decides what is published and
//! how far; answers are escaped; publishing again changes only what must;
//! another form works with a layout file, or plainly without one. The
//! pages are checked by tidy and opened in headless Chromium when they are
//! installed (`.ci/run` installs them when it can).

use crate::common::{self, COMPLETE};
use crate::e2e_support::cli;
use rileva::store::{Status, Store};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn answers(changes: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    common::complete_with(changes)
}

/// Three practices: full consent (Lazio), body only (Piemonte, a title
/// that looks like markup), no consent.
fn three(dir: &Path) -> [String; 3] {
    let full = common::create(dir, &answers(&[]), true, 1);
    let body = common::create(
        dir,
        &answers(&[
            ("/sez_A/A02", "01"),
            ("/sez_A/A03", "201"),
            ("/sez_A/A03b", "001272"),
            ("/sez_A/A04", "Comune di Torino"),
            ("/sez_A/A07", "Giulia Bianchi"),
            ("/sez_A/A09", "giulia.bianchi@comune.torino.it"),
            ("/sez_A/A10", "011 555 1234"),
            (
                "/sez_B/B01",
                "<script>alert('x')</script> Pronto soccorso sociale",
            ),
            ("/sez_B/B02", "rafforzato"),
            ("/sez_C/C01", "poverta"),
            ("/sez_G/G04", "si_ente"),
        ]),
        true,
        2,
    );
    let none = common::create(
        dir,
        &answers(&[
            ("/sez_A/A04", "Comune Riservato"),
            ("/sez_B/B01", "Pratica senza consenso"),
            ("/sez_G/G04", "no"),
        ]),
        true,
        3,
    );
    [full, body, none]
}

fn publish(data: &Path, site: &Path, extra: &[&str]) -> String {
    let mut args = vec!["publish", "-o", site.to_str().expect("path")];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = cli(data, &args);
    assert_eq!(code, 0, "{stdout}{stderr}");
    stdout
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every file of the site with its modification time.
fn times(site: &Path) -> HashMap<PathBuf, std::time::SystemTime> {
    let mut out = HashMap::new();
    let mut dirs = vec![site.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                let t = e.metadata().and_then(|m| m.modified()).expect("mtime");
                out.insert(p, t);
            }
        }
    }
    out
}

#[test]
fn consent_decides_what_is_published_and_answers_are_escaped() {
    let data = tempfile::tempdir().expect("temp dir");
    let [full, body, none] = three(data.path());
    let site = data.path().join("site");
    let out = publish(data.path(), &site, &[]);
    assert!(
        out.contains("published 2 practices of form buone_pratiche_covid19 (1 response not published: their consent does not allow it)"),
        "{out}"
    );
    let index = read(&site.join("index.html"));
    assert!(index.contains(&format!("schede/{full}.html")), "{index}");
    assert!(index.contains(&format!("schede/{body}.html")));
    assert!(!index.contains(&none) && !index.contains("Pratica senza consenso"));
    assert!(!site.join(format!("schede/{none}.html")).exists());
    // Grouped by region, filterable by B02, C01, B07, B05.
    assert!(
        index.contains(">Lazio <span class=\"n\">(1)</span></h2>"),
        "{index}"
    );
    assert!(index.contains(">Piemonte <span class=\"n\">(1)</span></h2>"));
    for label in [
        "Tipologia della pratica",
        "Destinatari principali",
        "Ambiti di bisogno / aree di intervento",
        "Stato del servizio",
    ] {
        assert!(index.contains(&format!("{label}</label>")), "{label}");
    }
    let full_page = read(&site.join(format!("schede/{full}.html")));
    let body_page = read(&site.join(format!("schede/{body}.html")));
    assert!(full_page.contains("<dd>Maria Rossi</dd>"), "{full_page}");
    assert!(full_page.contains("<p class=\"body\">Comune di Roma</p>"));
    assert!(
        !body_page.contains("Giulia Bianchi"),
        "no contact name: {body_page}"
    );
    assert!(body_page.contains("Comune di Torino"));
    for page in [
        &index,
        &full_page,
        &body_page,
        &read(&site.join("sintesi.html")),
    ] {
        for private in [
            "maria.rossi@",
            "giulia.bianchi@",
            "555 1234",
            "<script>alert",
        ] {
            assert!(!page.contains(private), "{private} published");
        }
    }
    assert!(body_page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    insta::assert_snapshot!("publish_card", full_page);
    let summary = read(&site.join("sintesi.html"));
    assert!(summary.contains("<svg class=\"chart\""), "{summary}");
    assert!(summary.contains("<tr><th scope=\"row\">Lazio</th><td>1</td></tr>"));
    assert!(summary.contains("<tr><th scope=\"row\">Anziani</th><td>1</td></tr>"));
}

#[test]
fn publishing_again_changes_only_what_changed() {
    let data = tempfile::tempdir().expect("temp dir");
    let [full, body, _] = three(data.path());
    let site = data.path().join("site");
    publish(data.path(), &site, &[]);
    let first = times(&site);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = publish(data.path(), &site, &[]);
    assert!(
        again.contains("0 files written, 6 unchanged, 0 removed"),
        "{again}"
    );
    assert_eq!(times(&site), first, "nothing rewritten");

    // A new practice: its page, the index and the summary; no other page.
    let new = common::create(
        data.path(),
        &answers(&[("/sez_B/B01", "Sportello di ascolto")]),
        true,
        4,
    );
    let out = publish(data.path(), &site, &[]);
    let card = |id: &str| site.join(format!("schede/{id}.html"));
    assert!(card(&new).exists(), "{out}");
    let now = times(&site);
    assert_eq!(now[&card(&full)], first[&card(&full)]);
    assert_eq!(now[&card(&body)], first[&card(&body)]);
    assert_ne!(
        now[&site.join("index.html")],
        first[&site.join("index.html")]
    );

    // An edit keeps the address; a withdrawn consent removes the page.
    let mut store = Store::open(data.path()).expect("store");
    let edit = common::edit;
    edit(&mut store, &body, "/sez_B/B01", "Pronto intervento sociale");
    let draft = uuid::Uuid::new_v4().to_string();
    let withdrawn = edit(&mut store, &full, "/sez_G/G04", "no");
    // An edit left in draft does not unpublish the finished version.
    store
        .new_version(
            &new,
            &draft,
            common::OPERATOR,
            "2020-06-02T10:00:00.000+02:00",
        )
        .expect("draft edit");
    drop(store);
    let out = publish(data.path(), &site, &[]);
    assert!(out.contains("1 removed"), "{out}");
    assert!(!card(&full).exists() && !card(&withdrawn).exists());
    assert!(read(&card(&body)).contains("Pronto intervento sociale"));
    assert!(card(&new).exists(), "the draft edit leaves it published");
    assert_eq!(common::status(data.path(), &draft), Status::Draft);
}

#[test]
fn a_folder_that_is_not_a_site_is_refused() {
    let data = tempfile::tempdir().expect("temp dir");
    common::create(data.path(), COMPLETE, true, 1);
    let docs = data.path().join("documents");
    std::fs::create_dir(&docs).expect("mkdir");
    std::fs::write(docs.join("tesi.odt"), "mine").expect("write");
    let (code, _, stderr) = cli(
        data.path(),
        &["publish", "-o", docs.to_str().expect("path")],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("was not written by rileva publish"),
        "{stderr}"
    );
    assert_eq!(read(&docs.join("tesi.odt")), "mine");
}

#[test]
fn english_pages_with_lang_en() {
    let data = tempfile::tempdir().expect("temp dir");
    common::create(data.path(), COMPLETE, true, 1);
    let site = data.path().join("site");
    publish(data.path(), &site, &["--lang", "en"]);
    let index = read(&site.join("index.html"));
    assert!(index.contains("<html lang=\"en\">"));
    assert!(index.contains("Type of practice</label>"), "{index}");
    assert!(index.contains("Completely new service"));
    assert!(index.contains("Search the practices"));
}

const OTHER: &str = r#"{"format":"rileva-form/1","settings":{"form_id":"sportelli","form_title":"Sportelli"},"survey":[
  {"type":"text","name":"nome","label":"Nome dello sportello"},
  {"type":"select_one","name":"zona","label":"Zona","list":"z"},
  {"type":"text","name":"referente","label":"Referente"},
  {"type":"text","name":"telefono","label":"Telefono"},
  {"type":"select_one","name":"ok","label":"Pubblicare?","list":"ok"}],
  "choices":{"z":[{"name":"nord","label":"Nord"},{"name":"sud","label":"Sud"}],
             "ok":[{"name":"tutto","label":"Sì"},{"name":"anonimo","label":"Senza nomi"},{"name":"no","label":"No"}]}}"#;

fn other_form(dir: &Path) -> PathBuf {
    let form = dir.join("sportelli.json");
    std::fs::write(&form, OTHER).expect("write form");
    let csv = dir.join("risposte.csv");
    std::fs::write(
        &csv,
        "nome,zona,referente,telefono,ok\n\
         Sportello Nord,nord,Ada,0101,tutto\n\
         Sportello Sud,sud,Bruno,0202,anonimo\n\
         Sportello Chiuso,sud,Carla,0303,no\n",
    )
    .expect("write csv");
    let (code, out, err) = cli(
        dir,
        &[
            "import",
            "--form",
            form.to_str().expect("path"),
            csv.to_str().expect("path"),
            "--commit",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    form
}

#[test]
fn another_form_with_a_layout_file_or_plainly_without() {
    let data = tempfile::tempdir().expect("temp dir");
    other_form(data.path());
    let layout = data.path().join("layout.toml");
    std::fs::write(
        &layout,
        "title = \"nome\"\ngroup_by = [\"zona\"]\nfilters = [\"zona\"]\n\
         card = [\"zona\", \"referente\", \"telefono\"]\nnever = [\"telefono\", \"ok\"]\n\
         contact = [\"referente\"]\n\n[consent]\nfield = \"ok\"\nfull = [\"tutto\"]\npartial = [\"anonimo\"]\n",
    )
    .expect("write layout");
    let site = data.path().join("site");
    let out = publish(
        data.path(),
        &site,
        &["--layout", layout.to_str().expect("path")],
    );
    assert!(
        out.contains("published 2 practices of form sportelli (1 response"),
        "{out}"
    );
    let index = read(&site.join("index.html"));
    assert!(index.contains("Sportello Nord") && index.contains("Sportello Sud"));
    assert!(!index.contains("Sportello Chiuso"));
    assert!(
        index.contains(">Nord <span class=\"n\">(1)</span>"),
        "{index}"
    );
    let all: String = times(&site).keys().map(|p| read(p)).collect();
    assert!(
        all.contains("<dd>Ada</dd>") && !all.contains("Bruno"),
        "contact only with full consent"
    );
    assert!(
        !all.contains("0101") && !all.contains("0202"),
        "never the phone"
    );

    // Without a layout: every response, every question, by instance name.
    let plain = data.path().join("plain");
    let out = publish(data.path(), &plain, &[]);
    assert!(out.contains("published 3 practices"), "{out}");
    let all: String = times(&plain).keys().map(|p| read(p)).collect();
    assert!(all.contains("Sportello Chiuso") && all.contains("<dd>0303</dd>"));

    // A layout naming a question the form lacks says which and where.
    std::fs::write(&layout, "title = \"nomi\"\n").expect("write layout");
    let (code, _, err) = cli(
        data.path(),
        &[
            "publish",
            "-o",
            data.path().join("x").to_str().expect("path"),
            "--layout",
            layout.to_str().expect("path"),
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("names nomi (title), which is not a question of form sportelli"),
        "{err}"
    );
}

/// `tidy` finds no error or warning in any page (skipped, said, when tidy
/// is not installed).
#[test]
fn pages_are_valid_html() {
    if std::process::Command::new("tidy")
        .arg("-v")
        .output()
        .is_err()
    {
        eprintln!("SKIP: tidy is not installed (apt install tidy); the pages were not validated");
        return;
    }
    let data = tempfile::tempdir().expect("temp dir");
    let [full, ..] = three(data.path());
    let site = data.path().join("site");
    publish(data.path(), &site, &[]);
    for page in [
        site.join("index.html"),
        site.join("sintesi.html"),
        site.join(format!("schede/{full}.html")),
    ] {
        let out = std::process::Command::new("tidy")
            .args(["-q", "-e", "--drop-empty-elements", "no"])
            .arg(&page)
            .output()
            .expect("tidy runs");
        // tidy 5.6 (Debian 12's) predates WAI-ARIA 1.1's aria-current,
        // which marks the page the navigation is on: that warning alone
        // is not a fault.
        let report: Vec<String> = String::from_utf8_lossy(&out.stderr)
            .lines()
            .filter(|l| !l.contains("proprietary attribute \"aria-current\""))
            .map(str::to_string)
            .collect();
        assert!(report.is_empty(), "{}: {report:#?}", page.display());
    }
}

/// Runs headless Chromium with `args` on `url`; its standard output.
fn chromium(args: &[&str], url: &str, profile: &Path) -> Option<String> {
    let mut child = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        if child.try_wait().ok()?.is_some() {
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s on {url}");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take()?, &mut out).ok()?;
    Some(out)
}

/// Whether the index's item linking to `id`'s page is hidden in `dom`.
fn hidden(dom: &str, id: &str) -> bool {
    let at = dom
        .find(&format!("schede/{id}.html"))
        .unwrap_or_else(|| panic!("{id} not in the page"));
    let start = dom[..at].rfind("<li ").expect("its item");
    dom[start..at]
        .split('>')
        .next()
        .is_some_and(|tag| tag.contains(" hidden"))
}

/// The index opened from disk in a real browser: the search and a filter
/// (given in the address, as a link can carry them) hide what does not
/// match and say how many are left; a screenshot is taken to look at.
#[test]
fn the_index_filters_and_searches_in_a_real_browser() {
    if std::process::Command::new("chromium")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!(
            "SKIP: chromium is not installed (apt install chromium); the site was not opened in a browser"
        );
        return;
    }
    let data = tempfile::tempdir().expect("temp dir");
    let [full, body, _] = three(data.path());
    let site = data.path().join("site");
    publish(data.path(), &site, &[]);
    let url = |hash: &str| format!("file://{}#{hash}", site.join("index.html").display());
    let profile = data.path().join("profile");
    let dom = |hash: &str| chromium(&["--dump-dom"], &url(hash), &profile).expect("chromium runs");

    let all = dom("");
    assert!(!hidden(&all, &full) && !hidden(&all, &body));
    assert!(all.contains("2 pratiche su 2"), "{all}");
    assert!(!all.contains("id=\"filters\" class=\"filters\" role=\"search\" aria-label=\"Cerca e filtra\" data-count=\"%n pratiche su %t\" data-one=\"1 pratica su %t\" hidden"), "the script shows the filters");

    let searched = dom("q=torinò");
    assert!(
        hidden(&searched, &full) && !hidden(&searched, &body),
        "accents ignored"
    );
    assert!(searched.contains("1 pratica su 2"), "{searched}");

    let filtered = dom("f0=nuovo");
    assert!(!hidden(&filtered, &full) && hidden(&filtered, &body));
    let both = dom("q=roma&f0=rafforzato");
    assert!(hidden(&both, &full) && hidden(&both, &body));
    assert!(both.contains("0 pratiche su 2"));

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("publish");
    std::fs::create_dir_all(&shots).expect("mkdir");
    let png = shots.join("index.png");
    let _ = std::fs::remove_file(&png);
    chromium(
        &[
            "--window-size=1000,1200",
            &format!("--screenshot={}", png.display()),
        ],
        &url("f0=nuovo"),
        &profile,
    );
    let bytes = std::fs::read(&png).expect("a screenshot");
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
        "{}",
        bytes.len()
    );
    eprintln!("screenshot of the filtered index: {}", png.display());
}
