//! The words for what is wrong with an answer, in the interface's languages:
//! the form's own message where it gives one (`required_message`,
//! `constraint_message`), else rileva's. The screens and the import report
//! both say them from here.

use super::{Filling, Problem};
use crate::form::NodeId;
use crate::form::values::{TypeError, format_decimal};
use crate::lang::{Lang, Tr};

const REQUIRED: Tr = Tr {
    it: "Risposta obbligatoria",
    en: "This answer is required",
};
const CONSTRAINT: Tr = Tr {
    it: "Risposta non ammessa",
    en: "Answer not accepted",
};
const NOT_INTEGER: Tr = Tr {
    it: "Non è un numero intero (es. 1200)",
    en: "Not a whole number (e.g. 1200)",
};
const INT_TOO_LARGE: Tr = Tr {
    it: "Numero troppo grande (massimo 2147483647)",
    en: "Number too large (at most 2147483647)",
};
const NOT_DECIMAL: Tr = Tr {
    it: "Non è un numero (es. 3,5)",
    en: "Not a number (e.g. 3.5)",
};
const NOT_DATE: Tr = Tr {
    it: "Data non valida: scrivere GG/MM/AAAA o AAAA-MM-GG",
    en: "Not a valid date: type DD/MM/YYYY or YYYY-MM-DD",
};
const NOT_TIME: Tr = Tr {
    it: "Ora non valida: scrivere HH:MM",
    en: "Not a valid time: type HH:MM",
};
const NOT_DATETIME: Tr = Tr {
    it: "Data e ora non valide: scrivere GG/MM/AAAA HH:MM",
    en: "Not a valid date and time: type YYYY-MM-DD HH:MM",
};
const NOT_GEOPOINT: Tr = Tr {
    it: "Posizione non valida: latitudine (-90..90) e longitudine (-180..180), es. 45.07\u{a0}7.68",
    en: "Not a valid location: latitude (-90..90) and longitude (-180..180), e.g. 45.07\u{a0}7.68",
};
const NOT_GEOTRACE: Tr = Tr {
    it: "Linea non valida: almeno 2 posizioni «lat lon» separate da «;», es. 45.07 7.68; 45.08 7.69",
    en: "Not a valid line: at least 2 positions \"lat lon\" separated by \";\", e.g. 45.07 7.68; 45.08 7.69",
};
const NOT_GEOSHAPE: Tr = Tr {
    it: "Area non valida: almeno 3 posizioni «lat lon» diverse separate da «;»",
    en: "Not a valid shape: at least 3 different positions \"lat lon\" separated by \";\"",
};
const NOT_FILE_NAME: Tr = Tr {
    it: "Non è il nome di un file allegato",
    en: "Not the name of an attached file",
};
const NOT_YEAR: Tr = Tr {
    it: "Anno non valido: scrivere AAAA (es. 2020)",
    en: "Not a valid year: type YYYY (e.g. 2020)",
};
const NOT_MONTH: Tr = Tr {
    it: "Mese non valido: scrivere MM/AAAA (es. 03/2020)",
    en: "Not a valid month: type MM/YYYY (e.g. 03/2020)",
};
const OUT_OF_RANGE: Tr = Tr {
    it: "Valore fuori dall'intervallo",
    en: "Value out of range",
};
const STEP: Tr = Tr {
    it: "passo",
    en: "step",
};
const FILTERED_OUT: Tr = Tr {
    it: "La scelta non è (più) ammessa per le risposte date: sceglierne un'altra",
    en: "The choice is not (or no longer) allowed for the answers given: pick another",
};
const NOT_A_CODE: Tr = Tr {
    it: "Nessuna voce dell'elenco ha il codice",
    en: "No item of the list has the code",
};
const NOT_A_CHOICE: Tr = Tr {
    it: "Non è una scelta dell'elenco",
    en: "Not a choice of the list",
};
const TWO_DIGIT_YEAR: Tr = Tr {
    it: "Anno di due cifre: scrivere l'anno intero (15/03/2020 o 15032020)",
    en: "Two-digit year: write the whole year (15/03/2020 or 15032020)",
};
const NO_DITTO: Tr = Tr {
    it: "Niente da copiare: la risposta precedente dell'operatore non ha risposto a questa domanda",
    en: "Nothing to copy: the operator's previous response did not answer this question",
};
const NOT_ALL_RANKED: Tr = Tr {
    it: "Mettere in ordine tutte le voci, ognuna una volta",
    en: "Put every item in order, each once",
};
const SLIP: Tr = Tr {
    it: "Diverso dalla prima immissione: ribatterlo guardando la carta",
    en: "Not what the first entry has: key it again from the paper",
};
const EXPRESSION: Tr = Tr {
    it: "Errore nel questionario",
    en: "Error in the questionnaire",
};

/// The words for a value that is not of its question's type.
pub fn type_text(e: &TypeError, lang: Lang) -> &'static str {
    match e {
        TypeError::NotInteger => NOT_INTEGER,
        TypeError::IntegerTooLarge => INT_TOO_LARGE,
        TypeError::NotDecimal => NOT_DECIMAL,
        TypeError::NotDate => NOT_DATE,
        TypeError::TwoDigitYear => TWO_DIGIT_YEAR,
        TypeError::NotTime => NOT_TIME,
        TypeError::NotDateTime => NOT_DATETIME,
        TypeError::NotGeopoint => NOT_GEOPOINT,
        TypeError::NotGeotrace => NOT_GEOTRACE,
        TypeError::NotGeoshape => NOT_GEOSHAPE,
        TypeError::NotFileName => NOT_FILE_NAME,
        TypeError::NotYear => NOT_YEAR,
        TypeError::NotMonth => NOT_MONTH,
    }
    .get(lang)
}

impl Filling {
    /// What is wrong with the answer of a question of node `id`, in `lang`
    /// (the form's texts in the response's language).
    pub fn problem_text(&self, id: NodeId, problem: &Problem, lang: Lang) -> String {
        let form = self.form();
        let node = form.node(id);
        let own = |t: &crate::form::Text| {
            let s = t.get(self.language(), &form.default_language).trim();
            (!s.is_empty()).then(|| s.to_string())
        };
        match problem {
            Problem::Type(e) => type_text(e, lang).to_string(),
            Problem::Required => {
                own(&node.required_message).unwrap_or_else(|| REQUIRED.get(lang).to_string())
            }
            Problem::Constraint => {
                own(&node.constraint_message).unwrap_or_else(|| CONSTRAINT.get(lang).to_string())
            }
            Problem::OutOfRange => {
                let r = node.range();
                format!(
                    "{} {}–{} ({} {})",
                    OUT_OF_RANGE.get(lang),
                    format_decimal(r.start),
                    format_decimal(r.end),
                    STEP.get(lang),
                    format_decimal(r.step)
                )
            }
            Problem::NotInList(name) => match form.list_of(id) {
                Some(list) if list.by_name.contains_key(name) => {
                    let label = self.choice_label(id, name).unwrap_or(name);
                    format!("{} («{label}»)", FILTERED_OUT.get(lang))
                }
                Some(list) => format!("{} {} («{name}»)", NOT_A_CHOICE.get(lang), list.name),
                None => format!("{} («{name}»)", NOT_A_CHOICE.get(lang)),
            },
            Problem::Expression(msg) => format!("{}: {msg}", EXPRESSION.get(lang)),
            Problem::NotACode(code) => format!("{} «{code}»", NOT_A_CODE.get(lang)),
            Problem::NoDitto => NO_DITTO.get(lang).to_string(),
            Problem::Slip => SLIP.get(lang).to_string(),
            Problem::NotAllRanked => NOT_ALL_RANKED.get(lang).to_string(),
            Problem::Attach(p) => p.text(lang),
        }
    }

    /// `problem_text` for a report read away from the question (the import):
    /// a form's constraint message is said to be one.
    pub fn problem_report(&self, id: NodeId, problem: &Problem, lang: Lang) -> String {
        let text = self.problem_text(id, problem, lang);
        match problem {
            Problem::Constraint if text != CONSTRAINT.get(lang) => {
                format!("{}: {text}", CONSTRAINT.get(lang))
            }
            _ => text,
        }
    }
}
