//! Demo data: two bodies, four procedure types and twelve pratiche covering
//! every public phase, dated relative to the day they are loaded so a
//! suspended pratica stays suspended and an overdue one stays overdue.
//! Demo pratiche have fixed codes (each passes its check symbol).

use chrono::{DateTime, Days, NaiveDate, Utc};
use pratiche_domain::{CaseCode, PublicPhase};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, Set};

use crate::entity::{body, case, procedure_state, procedure_type, status_event};

/// The two demo codes printed at start and shown in the README: one pratica
/// under examination, one suspended for missing documents.
pub const SHOWCASE_CODES: [&str; 2] = ["JYRH-CM4Q-3DY4-B", "HA1H-G56P-8QX6-T"];

/// A demo pratica closed longer ago than the default retention period: it
/// answers exactly like an unknown code.
pub const EXPIRED_CODE: &str = "57P1-93ND-A0K3-H";

/// The internal states every demo procedure type uses, with their phases.
const STATES: [(&str, PublicPhase, Option<&str>); 8] = [
    ("Protocollata", PublicPhase::Submitted, None),
    ("Assegnata al responsabile", PublicPhase::InReview, None),
    (
        "Istruttoria tecnica",
        PublicPhase::InReview,
        Some("L'ufficio tecnico sta verificando la documentazione presentata."),
    ),
    (
        "Richiesta integrazioni",
        PublicPhase::DocumentsRequested,
        None,
    ),
    ("Preavviso di diniego", PublicPhase::RejectionNotice, None),
    ("Rilasciata", PublicPhase::Approved, None),
    ("Diniego", PublicPhase::Rejected, None),
    ("Archiviata", PublicPhase::Closed, None),
];

struct DemoBody {
    slug: &'static str,
    name: &'static str,
    kind: &'static str,
    office: &'static str,
    phone: &'static str,
    email: &'static str,
    address: &'static str,
}

const BODIES: [DemoBody; 2] = [
    DemoBody {
        slug: "valdoria",
        name: "Comune di Valdoria",
        kind: "comune",
        office: "Ufficio Relazioni con il Pubblico (URP)",
        phone: "0471 555 0100",
        email: "urp@comune.valdoria.example.it",
        address: "Piazza del Municipio 1, 39040 Valdoria",
    },
    DemoBody {
        slug: "val-serena",
        name: "Unione dei Comuni della Val Serena",
        kind: "unione_comuni",
        office: "Sportello Unico Attività Produttive (SUAP)",
        phone: "0471 555 0200",
        email: "suap@unione.valserena.example.it",
        address: "Via Roma 12, 39050 Borgo Serena",
    },
];

/// (body index, name, term in days, legal basis)
const PROCEDURE_TYPES: [(usize, &str, i32, Option<&str>); 4] = [
    (
        0,
        "Permesso di costruire",
        60,
        Some("D.P.R. 380/2001, art. 20"),
    ),
    (0, "Contributo per i libri di testo", 30, None),
    (1, "Occupazione di suolo pubblico", 30, None),
    (
        1,
        "Autorizzazione unica ambientale (AUA)",
        90,
        Some("D.P.R. 59/2013, art. 4"),
    ),
];

struct DemoCase {
    code: &'static str,
    procedure_type: usize,
    subject: &'static str,
    own_reference: Option<&'static str>,
    submitted_days_ago: u64,
    office: &'static str,
    responsible: &'static str,
    contact: &'static str,
    /// (days after submission, state index, public note, internal note)
    events: &'static [(u64, usize, Option<&'static str>, Option<&'static str>)],
}

const EDILIZIA: (&str, &str, &str) = (
    "Sportello Unico Edilizia",
    "Arch. Giulia Ferri",
    "edilizia@comune.valdoria.example.it · 0471 555 0131",
);
const SCUOLA: (&str, &str, &str) = (
    "Ufficio Servizi Scolastici",
    "Dott. Marco Bellini",
    "scuola@comune.valdoria.example.it · 0471 555 0142",
);
const SUAP: (&str, &str, &str) = (
    "Sportello Unico Attività Produttive",
    "Ing. Sara Colombo",
    "suap@unione.valserena.example.it · 0471 555 0201",
);

const fn demo(
    code: &'static str,
    procedure_type: usize,
    (office, responsible, contact): (&'static str, &'static str, &'static str),
    subject: &'static str,
    own_reference: Option<&'static str>,
    submitted_days_ago: u64,
    events: &'static [(u64, usize, Option<&'static str>, Option<&'static str>)],
) -> DemoCase {
    DemoCase {
        code,
        procedure_type,
        subject,
        own_reference,
        submitted_days_ago,
        office,
        responsible,
        contact,
        events,
    }
}

const CASES: [DemoCase; 12] = [
    demo(
        "JYRH-CM4Q-3DY4-B",
        0,
        EDILIZIA,
        "Nuova costruzione di edificio residenziale unifamiliare",
        Some("PROT. 2026/14503"),
        20,
        &[
            (0, 0, Some("Domanda ricevuta e protocollata."), None),
            (
                2,
                2,
                Some("Pratica assegnata all'istruttore tecnico."),
                Some("Verificare vincolo paesaggistico, zona B2."),
            ),
        ],
    ),
    demo(
        "T4Y5-2D1F-HVD1-1",
        1,
        SCUOLA,
        "Contributo per l'acquisto dei libri di testo, a.s. 2026/2027",
        Some("SCU/2026/311"),
        3,
        &[(
            0,
            0,
            Some("Domanda ricevuta tramite lo sportello online."),
            None,
        )],
    ),
    demo(
        "HA1H-G56P-8QX6-T",
        0,
        EDILIZIA,
        "Ampliamento di fabbricato artigianale",
        Some("PROT. 2026/13877"),
        40,
        &[
            (0, 0, Some("Domanda ricevuta e protocollata."), None),
            (3, 1, None, None),
            (
                25,
                3,
                Some(
                    "Si chiede di integrare la relazione geologica e la tavola dei prospetti, da inviare via PEC al protocollo entro 30 giorni.",
                ),
                Some("Relazione geologica mancante, prospetti non quotati."),
            ),
        ],
    ),
    demo(
        "4PNX-H7B7-WKCJ-*",
        0,
        EDILIZIA,
        "Cambio di destinazione d'uso da magazzino ad abitazione",
        Some("PROT. 2026/12090"),
        50,
        &[
            (0, 0, Some("Domanda ricevuta e protocollata."), None),
            (5, 2, None, None),
            (
                45,
                4,
                Some(
                    "Comunicati i motivi ostativi all'accoglimento: altezza interna inferiore al minimo. Entro 10 giorni può presentare osservazioni scritte.",
                ),
                Some("h interna 2,40 m."),
            ),
        ],
    ),
    demo(
        "92KW-G8NB-RNGS-M",
        1,
        SCUOLA,
        "Contributo per l'acquisto dei libri di testo, a.s. 2026/2027",
        Some("SCU/2026/198"),
        60,
        &[
            (0, 0, None, None),
            (5, 2, None, None),
            (
                20,
                5,
                Some("Contributo concesso: il pagamento avverrà entro 30 giorni."),
                None,
            ),
        ],
    ),
    demo(
        "7JXQ-V9JC-317T-V",
        0,
        EDILIZIA,
        "Sanatoria di tettoia in legno",
        Some("PROT. 2026/11002"),
        45,
        &[
            (0, 0, None, None),
            (4, 2, None, None),
            (
                25,
                6,
                Some("Domanda respinta: l'opera ricade in fascia di rispetto stradale."),
                Some("Parere negativo della Provincia."),
            ),
        ],
    ),
    demo(
        "Y5EE-EVSY-8MQJ-N",
        1,
        SCUOLA,
        "Contributo per l'acquisto dei libri di testo, a.s. 2026/2027",
        None,
        30,
        &[
            (0, 0, None, None),
            (
                6,
                7,
                Some("Pratica archiviata su rinuncia del richiedente."),
                None,
            ),
        ],
    ),
    demo(
        "XJMV-NN29-WY74-G",
        1,
        SCUOLA,
        "Contributo per l'acquisto dei libri di testo, a.s. 2026/2027",
        Some("SCU/2026/077"),
        45,
        &[
            (0, 0, None, None),
            (
                4,
                2,
                Some("Verifica dell'ISEE in corso."),
                Some("Attesa risposta INPS."),
            ),
        ],
    ),
    demo(
        "SF0P-Y0B2-F55Z-C",
        2,
        SUAP,
        "Dehors stagionale per pubblico esercizio in Piazza Grande",
        Some("SUAP 00231/2026"),
        10,
        &[
            (0, 0, Some("Domanda ricevuta dal SUAP."), None),
            (2, 1, None, None),
        ],
    ),
    demo(
        "EVMW-G0MP-CJ9X-Z",
        2,
        SUAP,
        "Occupazione temporanea per ponteggio, Via dei Mulini",
        Some("SUAP 00198/2026"),
        35,
        &[
            (0, 0, None, None),
            (3, 2, None, None),
            (
                18,
                5,
                Some(
                    "Autorizzazione rilasciata: ritirarla allo sportello o scaricarla dal portale SUAP.",
                ),
                None,
            ),
        ],
    ),
    demo(
        "YKBD-4C4B-V7CP-T",
        3,
        SUAP,
        "Autorizzazione unica ambientale per laboratorio di falegnameria",
        Some("SUAP 00154/2026"),
        70,
        &[
            (0, 0, None, None),
            (
                6,
                2,
                Some("Trasmessa ad ARPA e alla Provincia per i pareri di competenza."),
                None,
            ),
        ],
    ),
    demo(
        EXPIRED_CODE,
        2,
        SUAP,
        "Occupazione temporanea per trasloco",
        Some("SUAP 00412/2025"),
        430,
        &[
            (0, 0, None, None),
            (10, 5, Some("Autorizzazione rilasciata."), None),
        ],
    ),
];

/// Loads the demo data when the database holds no body. Returns whether it did.
pub async fn load_if_empty(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<bool, DbErr> {
    if body::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    let txn = crate::begin_write(db).await?;
    let mut body_ids = Vec::new();
    for demo in &BODIES {
        let body = body::ActiveModel {
            slug: Set(demo.slug.into()),
            name: Set(demo.name.into()),
            kind: Set(demo.kind.into()),
            contact_office: Set(demo.office.into()),
            contact_phone: Set(Some(demo.phone.into())),
            contact_email: Set(Some(demo.email.into())),
            contact_address: Set(Some(demo.address.into())),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        body_ids.push(body.id);
    }

    // Per procedure type: (body id, its states' ids and phases).
    let mut types = Vec::new();
    for (body_index, name, term_days, legal_basis) in PROCEDURE_TYPES {
        let procedure = procedure_type::ActiveModel {
            body_id: Set(body_ids[body_index]),
            name: Set(name.into()),
            term_days: Set(term_days),
            legal_basis: Set(legal_basis.map(Into::into)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut states = Vec::new();
        for (position, (state_name, phase, citizen_text)) in STATES.into_iter().enumerate() {
            let state = procedure_state::ActiveModel {
                procedure_type_id: Set(procedure.id),
                name: Set(state_name.into()),
                public_phase: Set(phase.as_str().into()),
                citizen_text: Set(citizen_text.map(Into::into)),
                position: Set(position as i32),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            states.push((state.id, phase));
        }
        types.push((body_ids[body_index], procedure.id, states));
    }

    for demo in &CASES {
        let (body_id, procedure_type_id, states) = &types[demo.procedure_type];
        let code = CaseCode::parse(demo.code)
            .map_err(|error| DbErr::Custom(format!("demo code: {error}")))?;
        let submitted_on = today - Days::new(demo.submitted_days_ago);
        let occurred = |days: u64, order: usize| {
            (submitted_on + Days::new(days))
                .and_hms_opt(8, 30 + order as u32, 0)
                .expect("a valid time of day")
                .and_utc()
        };
        let (last_days, last_state, ..) =
            *demo.events.last().expect("every demo pratica has events");
        let (current_state_id, current_phase) = states[last_state];
        let last_at = occurred(last_days, demo.events.len() - 1);
        let case = case::ActiveModel {
            code: Set(code.compact()),
            body_id: Set(*body_id),
            procedure_type_id: Set(*procedure_type_id),
            subject: Set(demo.subject.into()),
            own_reference: Set(demo.own_reference.map(Into::into)),
            submitted_on: Set(submitted_on),
            office_name: Set(demo.office.into()),
            responsible_name: Set(demo.responsible.into()),
            responsible_contact: Set(demo.contact.into()),
            current_state_id: Set(current_state_id),
            current_phase: Set(current_phase.as_str().into()),
            due_date: Set(None),
            due_explanation: Set(None),
            closed_at: Set(current_phase.is_final().then_some(last_at)),
            version: Set(1),
            created_at: Set(occurred(0, 0)),
            updated_at: Set(last_at),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for (order, &(days, state, public_note, internal_note)) in demo.events.iter().enumerate() {
            let (state_id, phase) = states[state];
            status_event::ActiveModel {
                case_id: Set(case.id),
                state_id: Set(state_id),
                public_phase: Set(phase.as_str().into()),
                public_note: Set(public_note.map(Into::into)),
                internal_note: Set(internal_note.map(Into::into)),
                occurred_at: Set(occurred(days, order)),
                recorded_at: Set(occurred(days, order)),
                recorded_by: Set(None),
                source: Set("demo".into()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn demo_codes_pass_their_check_and_cover_every_phase() {
        let codes: HashSet<_> = CASES
            .iter()
            .map(|c| CaseCode::parse(c.code).expect(c.code))
            .collect();
        assert_eq!(codes.len(), CASES.len());
        for code in SHOWCASE_CODES {
            assert!(CASES.iter().any(|c| c.code == code));
        }
        let phases: HashSet<_> = CASES
            .iter()
            .map(|c| STATES[c.events.last().unwrap().1].1)
            .collect();
        assert_eq!(phases.len(), PublicPhase::ALL.len());
    }
}
