//! Three paper questionnaires of the default form, as a keying operator
//! has them on the desk: for every question the paper answers (in the order
//! the transcription layout asks them), the keys typed (the printed code of
//! a single choice alone; the value and Enter for everything else, Enter
//! alone for a blank; a date of 8 digits alone, as it moves on by itself)
//! and the value the export must hold. Written for rileva's tests; the
//! practices are invented, in the manner of the Ministry's 2020 collection.
#![allow(dead_code)]

pub struct Paper {
    /// The number written on the paper.
    pub id: &'static str,
    /// (question, keys typed, value exported).
    pub fields: &'static [(&'static str, &'static str, &'static str)],
}

impl Paper {
    /// Every key of the paper's fields, in one burst.
    pub fn keys(&self) -> String {
        self.fields.iter().map(|(_, k, _)| *k).collect()
    }

    /// The characters of the values as written (Enter not counted).
    pub fn value_chars(&self) -> usize {
        self.fields
            .iter()
            .map(|(_, k, _)| k.chars().filter(|&c| c != '\r').count())
            .sum()
    }
}

macro_rules! description_1 {
    () => {
        "Consegna a domicilio di spesa e farmaci per anziani soli e persone in quarantena, \
         con un numero unico attivo sette giorni su sette."
    };
}
macro_rules! description_2 {
    () => {
        "Sportello di ascolto psicologico telefonico e in videochiamata per famiglie \
         con minori, gestito con le cooperative dell'Ambito."
    };
}
macro_rules! description_3 {
    () => {
        "Contributo regionale straordinario per l'affitto alle famiglie che hanno perso \
         reddito durante il lockdown, domanda online."
    };
}

pub const PAPERS: &[Paper] = &[
    Paper {
        id: "P-0001",
        fields: &[
            ("A01", "2", "comune"),
            ("A02", "16", "16"),
            ("A03", "272", "272"),
            ("A03b", "072006", "072006"),
            ("A04", "Comune di Bari\r", "Comune di Bari"),
            ("A06", "316.000\r", "316000"),
            ("A07", "Maria Lorusso\r", "Maria Lorusso"),
            ("A08", "1", "resp_servizi"),
            (
                "A09",
                "m.lorusso@comune.bari.it\r",
                "m.lorusso@comune.bari.it",
            ),
            ("A10", "080 577 1111\r", "080 577 1111"),
            (
                "B01",
                "Spesa e farmaci a domicilio\r",
                "Spesa e farmaci a domicilio",
            ),
            ("B02", "2", "rafforzato"),
            ("B03", concat!(description_1!(), "\r"), description_1!()),
            ("B04", "16032020", "2020-03-16"),
            ("B05", "1", "in_corso"),
            ("B07", "4 5\r", "beni_prima_necessita domiciliarita"),
            ("C01", "2 3\r", "disabili anziani"),
            ("C02", "1", "si"),
            ("C03", "1.250\r", "1250"),
            ("C04", "830\r", "830"),
            ("D01", "23\r", "domicilio telefono"),
            ("D02", "1", "si"),
            ("D03", "1 2\r", "numero_dedicato messaggistica"),
            ("D04", "15\r", "sito contatto_diretto"),
            ("E01", "42\r", "42"),
            ("E02", "147\r", "as oss volontari"),
            ("E03", "25\r", "25"),
            ("E04", "1 4\r", "comunali solidarieta_alimentare"),
            ("E05", "120.000\r", "120000"),
            ("E06", "2 4\r", "terzo_settore caritas_cri"),
            (
                "E07",
                "Le associazioni consegnano la spesa\r",
                "Le associazioni consegnano la spesa",
            ),
            ("F01", "1", "molto_pos"),
            ("F02", "1", "molto_pos"),
            (
                "F03",
                "Oltre 1.200 famiglie raggiunte\r",
                "Oltre 1.200 famiglie raggiunte",
            ),
            ("F04", "3\r", "digital_divide"),
            (
                "F05",
                "Rete con il terzo settore e un numero unico\r",
                "Rete con il terzo settore e un numero unico",
            ),
            ("F06", "2", "si_modificato"),
            (
                "F07",
                "Fondi regionali per il personale\r",
                "Fondi regionali per il personale",
            ),
            ("F08", "1", "si"),
            (
                "G01",
                "https://www.comune.bari.it/spesa\r",
                "https://www.comune.bari.it/spesa",
            ),
            ("G02", "1", "si"),
            ("G03", "1", "si"),
            ("G04", "1", "si_completo"),
            ("G05", "1", "OK"),
        ],
    },
    Paper {
        id: "P-0002",
        fields: &[
            ("A01", "1", "ambito"),
            ("A02", "03", "03"),
            ("A03", "215", "215"),
            (
                "A04",
                "Ambito territoriale di Rho\r",
                "Ambito territoriale di Rho",
            ),
            (
                "A05",
                "Rho, Arese, Cornaredo, Lainate, Pero, Pogliano Milanese\r",
                "Rho, Arese, Cornaredo, Lainate, Pero, Pogliano Milanese",
            ),
            ("A06", "172 000\r", "172000"),
            ("A07", "Giovanni Colombo\r", "Giovanni Colombo"),
            ("A08", "2", "ass_sociale"),
            (
                "A09",
                "ufficio.piano@ambitorho.it\r",
                "ufficio.piano@ambitorho.it",
            ),
            ("A10", "+39 02 9311 1234\r", "+39 02 9311 1234"),
            (
                "B01",
                "Ascolto psicologico per le famiglie\r",
                "Ascolto psicologico per le famiglie",
            ),
            ("B02", "1", "nuovo"),
            ("B03", concat!(description_2!(), "\r"), description_2!()),
            ("B04", "06/04/2020\r", "2020-04-06"),
            ("B05", "1", "in_corso"),
            ("B07", "6 7\r", "psicologico educativo"),
            ("C01", "1\r", "famiglia_minori"),
            ("C02", "1", "si"),
            ("C03", "310\r", "310"),
            ("C04", "145\r", "145"),
            ("D01", "34\r", "telefono online"),
            ("D02", "1", "si"),
            ("D03", "3 6\r", "video email_pec"),
            ("D04", "126\r", "sito social intermediari"),
            ("E01", "6\r", "6"),
            ("E02", "3\r", "psicologi"),
            ("E04", "2 6\r", "nazionali_fnps pon_inclusione"),
            ("E05", "38.500\r", "38500"),
            ("E06", "2\r", "terzo_settore"),
            (
                "E07",
                "Le cooperative forniscono gli psicologi\r",
                "Le cooperative forniscono gli psicologi",
            ),
            ("F01", "2", "pos"),
            ("F02", "1", "molto_pos"),
            ("F03", "\r", ""),
            ("F04", "3 4\r", "digital_divide dotazione_operatori"),
            (
                "F05",
                "Primo servizio psicologico dell'Ambito a distanza\r",
                "Primo servizio psicologico dell'Ambito a distanza",
            ),
            ("F06", "1", "si_invariato"),
            (
                "F07",
                "Conferma del finanziamento PON\r",
                "Conferma del finanziamento PON",
            ),
            ("F08", "2", "in_parte"),
            ("G01", "\r", ""),
            ("G02", "1", "si"),
            ("G03", "2", "no"),
            ("G04", "2", "si_ente"),
            ("G05", "1", "OK"),
        ],
    },
    Paper {
        id: "P-0003",
        fields: &[
            ("A01", "4", "regione"),
            ("A02", "08", "08"),
            ("A04", "Regione Emilia-Romagna\r", "Regione Emilia-Romagna"),
            ("A06", "4.459.000\r", "4459000"),
            ("A07", "Lucia Ferri\r", "Lucia Ferri"),
            ("A08", "6", "altro"),
            ("A08_altro", "Dirigente regionale\r", "Dirigente regionale"),
            (
                "A09",
                "welfare@regione.emilia-romagna.it\r",
                "welfare@regione.emilia-romagna.it",
            ),
            ("A10", "\r", ""),
            (
                "B01",
                "Contributo affitto emergenza\r",
                "Contributo affitto emergenza",
            ),
            ("B02", "3", "misto"),
            ("B03", concat!(description_3!(), "\r"), description_3!()),
            ("B04", "04.05.2020\r", "2020-05-04"),
            ("B05", "2", "concluso"),
            ("B06", "30-09-2020\r", "2020-09-30"),
            ("B07", "3\r", "sostegno_reddito"),
            ("C01", "6 10\r", "poverta nuovi_poveri"),
            ("C02", "1", "si"),
            ("C03", "\r", ""),
            ("C04", "12.400\r", "12400"),
            ("D01", "4\r", "online"),
            ("D02", "1", "si"),
            ("D03", "4\r", "modulo_online"),
            ("D04", "13\r", "sito media"),
            ("E01", "15\r", "15"),
            ("E02", "5\r", "amministrativi"),
            ("E04", "9\r", "nessun_costo"),
            ("E06", "1\r", "nessuno"),
            ("F01", "3", "neutro"),
            ("F02", "2", "pos"),
            ("F03", "\r", ""),
            ("F04", "\r", ""),
            (
                "F05",
                "Domanda interamente online con esito in 30 giorni\r",
                "Domanda interamente online con esito in 30 giorni",
            ),
            ("F06", "3", "no"),
            ("F08", "3", "no"),
            ("G01", "\r", ""),
            ("G02", "2", "no"),
            ("G04", "3", "no"),
            ("G05", "1", "OK"),
        ],
    },
];
