//! Demo data: two bodies, four procedure types and twelve pratiche covering
//! every public phase, dated relative to the day they are loaded so a
//! suspended pratica stays suspended and an overdue one stays overdue.
//! Demo pratiche have fixed codes (each passes its check symbol).
//!
//! Mostly the demo data itself, as tables.

use chrono::{DateTime, Days, NaiveDate, Utc};
use pratiche_domain::CaseCode;
use pratiche_domain::account::{Role, Username};
use pratiche_domain::clock::Extension;
use sea_orm::{ActiveModelTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, Set};

use crate::accounts::{self, NewUser};
use crate::cases::{self, EventSource, NewCase, NewEvent, WriteError};
use crate::entity::{body, case, procedure_type, user};
use crate::procedure_types::{insert_default_workflow, workflow_rules_of};

/// The two demo codes printed at start and shown in the README: one pratica
/// under examination, one suspended for missing documents.
pub const SHOWCASE_CODES: [&str; 2] = ["JYRH-CM4Q-3DY4-B", "HA1H-G56P-8QX6-T"];

/// A demo pratica closed longer ago than the default retention period: it
/// answers exactly like an unknown code, and the retention job erases it
/// at start, keeping its anonymous figures.
pub const EXPIRED_CODE: &str = "57P1-93ND-A0K3-H";

/// The password of every demo account: shown in the README's demo section
/// and in the demo start-up log, nowhere else.
pub const DEMO_PASSWORD: &str = "demo-pratiche-2026";

/// Demo accounts: (username, display name, role, body index).
pub const DEMO_USERS: [(&str, &str, Role, Option<usize>); 4] = [
    (
        "demo-provincia",
        "Demo – Centro servizi",
        Role::ProvinceAdmin,
        None,
    ),
    (
        "demo-admin-valdoria",
        "Demo – Amministratore di Valdoria",
        Role::BodyAdmin,
        Some(0),
    ),
    (
        "demo-operatore-valdoria",
        "Demo – Operatore di Valdoria",
        Role::Clerk,
        Some(0),
    ),
    (
        "demo-operatore-serena",
        "Demo – Operatore della Val Serena",
        Role::Clerk,
        Some(1),
    ),
];

struct DemoBody {
    slug: &'static str,
    name: &'static str,
    kind: &'static str,
    office: &'static str,
    phone: &'static str,
    email: &'static str,
    address: &'static str,
    hours: &'static str,
    /// (month, day)
    patron: Option<(i32, i32)>,
    /// (name, office, contact); `None` leaves the legal default.
    substitute: Option<(&'static str, &'static str, &'static str)>,
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
        hours: "lunedì–venerdì 9:00–12:30; giovedì anche 15:00–17:00",
        patron: Some((6, 24)),
        substitute: Some((
            "Dott.ssa Elena Marchi",
            "Segretario generale",
            "segreteria@comune.valdoria.example.it · 0471 555 0110",
        )),
    },
    DemoBody {
        slug: "val-serena",
        name: "Unione dei Comuni della Val Serena",
        kind: "unione_comuni",
        office: "Sportello Unico Attività Produttive (SUAP)",
        phone: "0471 555 0200",
        email: "suap@unione.valserena.example.it",
        address: "Via Roma 12, 39050 Borgo Serena",
        hours: "martedì e giovedì 8:30–12:30",
        patron: None,
        substitute: None,
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

/// The public sheet of the first demo type (D.Lgs. 33/2013 art. 35), so
/// that a newcomer sees one filled in: description, legal references,
/// documents, payments, online service.
const BUILDING_PERMIT_SHEET: [&str; 5] = [
    "Il permesso di costruire autorizza la nuova costruzione, l'ampliamento o la ristrutturazione pesante di un edificio. Lo chiede il proprietario o chi ne ha titolo, tramite un tecnico abilitato.",
    "D.P.R. 380/2001 (Testo unico dell'edilizia), artt. 10-20\nRegolamento edilizio comunale",
    "Domanda sul modello unico regionale\nProgetto firmato da un tecnico abilitato\nTitolo di proprietà o di disponibilità dell'immobile\nRicevuta dei diritti di segreteria",
    "Diritti di segreteria: 100 euro con pagoPA. Il contributo di costruzione, se dovuto, è calcolato dall'ufficio al rilascio.",
    "https://servizi.valdoria.example.it/edilizia/permesso-di-costruire",
];

/// A demo status event; days count from the submission.
#[derive(Clone, Copy)]
struct DemoEvent {
    day: u64,
    state: usize,
    public_note: Option<&'static str>,
    internal_note: Option<&'static str>,
    reply_by_day: Option<u64>,
    observations_day: Option<u64>,
    extension: Option<(u32, &'static str)>,
}

const fn event(
    day: u64,
    state: usize,
    public_note: Option<&'static str>,
    internal_note: Option<&'static str>,
) -> DemoEvent {
    DemoEvent {
        day,
        state,
        public_note,
        internal_note,
        reply_by_day: None,
        observations_day: None,
        extension: None,
    }
}

impl DemoEvent {
    const fn reply_by(self, day: u64) -> Self {
        Self {
            reply_by_day: Some(day),
            ..self
        }
    }

    const fn observations(self, day: u64) -> Self {
        Self {
            observations_day: Some(day),
            ..self
        }
    }

    const fn extension(self, days: u32, legal_basis: &'static str) -> Self {
        Self {
            extension: Some((days, legal_basis)),
            ..self
        }
    }
}

struct DemoCase {
    code: &'static str,
    procedure_type: usize,
    subject: &'static str,
    own_reference: Option<&'static str>,
    submitted_days_ago: u64,
    office: &'static str,
    responsible: &'static str,
    contact: &'static str,
    events: &'static [DemoEvent],
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
    events: &'static [DemoEvent],
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

const RECEIVED: Option<&str> = Some("Domanda ricevuta e protocollata.");

const CASES: [DemoCase; 12] = [
    demo("JYRH-CM4Q-3DY4-B", 0, EDILIZIA, "Nuova costruzione di edificio residenziale unifamiliare",
        Some("PROT. 2026/14503"), 20,
        &[event(0, 0, RECEIVED, None),
          event(2, 2, Some("Pratica assegnata all'istruttore tecnico."), Some("Verificare vincolo paesaggistico, zona B2."))]),
    demo("T4Y5-2D1F-HVD1-1", 1, SCUOLA, "Contributo per l'acquisto dei libri di testo, a.s. 2026/2027",
        Some("SCU/2026/311"), 3,
        &[event(0, 0, Some("Domanda ricevuta tramite lo sportello online."), None)]),
    demo("HA1H-G56P-8QX6-T", 0, EDILIZIA, "Ampliamento di fabbricato artigianale",
        Some("PROT. 2026/13877"), 40,
        &[event(0, 0, RECEIVED, None),
          event(3, 1, None, None),
          event(25, 3, Some("Si chiede di integrare la relazione geologica e la tavola dei prospetti, da inviare via PEC al protocollo."),
              Some("Relazione geologica mancante, prospetti non quotati.")).reply_by(55)]),
    demo("4PNX-H7B7-WKCJ-*", 0, EDILIZIA, "Cambio di destinazione d'uso da magazzino ad abitazione",
        Some("PROT. 2026/12090"), 50,
        &[event(0, 0, RECEIVED, None),
          event(5, 2, None, None),
          event(45, 4, Some("Comunicati i motivi ostativi all'accoglimento: altezza interna inferiore al minimo. Entro 10 giorni può presentare osservazioni scritte."),
              Some("h interna 2,40 m."))]),
    demo("92KW-G8NB-RNGS-M", 1, SCUOLA, "Contributo per l'acquisto dei libri di testo, a.s. 2026/2027",
        Some("SCU/2026/198"), 60,
        &[event(0, 0, None, None),
          event(5, 2, None, None),
          event(8, 3, Some("Manca l'attestazione ISEE: la invii all'ufficio scuola via e-mail."), None).reply_by(23),
          event(14, 2, Some("Attestazione ISEE ricevuta."), None),
          event(26, 5, Some("Contributo concesso: il pagamento avverrà entro 30 giorni."), None)]),
    demo("7JXQ-V9JC-317T-V", 0, EDILIZIA, "Sanatoria di tettoia in legno",
        Some("PROT. 2026/11002"), 45,
        &[event(0, 0, None, None),
          event(4, 2, None, None),
          event(15, 4, Some("Comunicati i motivi ostativi: l'opera ricade in fascia di rispetto stradale."), None),
          event(20, 2, Some("Osservazioni del richiedente ricevute."), None).observations(20),
          event(35, 6, Some("Domanda respinta: l'opera ricade in fascia di rispetto stradale."), Some("Parere negativo della Provincia."))]),
    demo("Y5EE-EVSY-8MQJ-N", 1, SCUOLA, "Contributo per l'acquisto dei libri di testo, a.s. 2026/2027",
        None, 30,
        &[event(0, 0, None, None),
          event(6, 7, Some("Pratica archiviata su rinuncia del richiedente."), None)]),
    demo("XJMV-NN29-WY74-G", 1, SCUOLA, "Contributo per l'acquisto dei libri di testo, a.s. 2026/2027",
        Some("SCU/2026/077"), 45,
        &[event(0, 0, None, None),
          event(4, 2, Some("Verifica dell'ISEE in corso."), Some("Attesa risposta INPS."))]),
    demo("SF0P-Y0B2-F55Z-C", 2, SUAP, "Dehors stagionale per pubblico esercizio in Piazza Grande",
        Some("SUAP 00231/2026"), 10,
        &[event(0, 0, Some("Domanda ricevuta dal SUAP."), None),
          event(2, 1, None, None)]),
    demo("EVMW-G0MP-CJ9X-Z", 2, SUAP, "Occupazione temporanea per ponteggio, Via dei Mulini",
        Some("SUAP 00198/2026"), 35,
        &[event(0, 0, None, None),
          event(3, 2, None, None),
          event(18, 5, Some("Autorizzazione rilasciata: ritirarla allo sportello o scaricarla dal portale SUAP."), None)]),
    demo("YKBD-4C4B-V7CP-T", 3, SUAP, "Autorizzazione unica ambientale per laboratorio di falegnameria",
        Some("SUAP 00154/2026"), 70,
        &[event(0, 0, None, None),
          event(6, 2, Some("Trasmessa ad ARPA e alla Provincia per i pareri di competenza."), None),
          event(40, 2, Some("Termine prorogato di 30 giorni per la conferenza di servizi."), None)
              .extension(30, "L. 241/1990, art. 14-bis (conferenza di servizi)")]),
    demo(EXPIRED_CODE, 2, SUAP, "Occupazione temporanea per trasloco",
        Some("SUAP 00412/2025"), 430,
        &[event(0, 0, None, None),
          event(10, 5, Some("Autorizzazione rilasciata."), None)]),
];

/// Loads the demo data when the database holds no data at all (no body, no
/// user, no pratica), in one transaction, through the same write path as
/// real pratiche. Returns whether it did. Never beside real data: demo
/// accounts have a published password.
/// `demo_password_hash` is the hash of [`DEMO_PASSWORD`], for the demo
/// accounts (marked as such).
pub async fn load_if_empty(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    today: NaiveDate,
    demo_password_hash: &str,
) -> Result<bool, WriteError> {
    let txn = crate::begin_write(db).await?;
    if body::Entity::find().count(&txn).await? > 0
        || user::Entity::find().count(&txn).await? > 0
        || case::Entity::find().count(&txn).await? > 0
    {
        return Ok(false);
    }
    let mut body_ids = Vec::new();
    for demo in &BODIES {
        let (substitute_name, substitute_office, substitute_contact) = match demo.substitute {
            Some((name, office, contact)) => {
                (Some(name.into()), Some(office.into()), Some(contact.into()))
            }
            None => (None, None, None),
        };
        let body = body::ActiveModel {
            slug: Set(demo.slug.into()),
            name: Set(demo.name.into()),
            kind: Set(demo.kind.into()),
            contact_office: Set(demo.office.into()),
            contact_phone: Set(Some(demo.phone.into())),
            contact_email: Set(Some(demo.email.into())),
            contact_address: Set(Some(demo.address.into())),
            contact_hours: Set(Some(demo.hours.into())),
            created_at: Set(now),
            patron_month: Set(demo.patron.map(|(month, _)| month)),
            patron_day: Set(demo.patron.map(|(_, day)| day)),
            substitute_name: Set(substitute_name),
            substitute_office: Set(substitute_office),
            substitute_contact: Set(substitute_contact),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        body_ids.push(body.id);
    }

    for (username, display_name, role, body) in DEMO_USERS {
        let account = NewUser {
            username: Username::parse(username).expect("demo usernames are valid"),
            display_name: display_name.into(),
            role,
            body_id: body.map(|index| body_ids[index]),
            password_hash: demo_password_hash.into(),
            demo: true,
        };
        accounts::create_user(&txn, account, now).await?;
    }

    // Per procedure type: (body id, procedure type id, its states' ids).
    let mut types = Vec::new();
    for (index, (body_index, name, term_days, legal_basis)) in
        PROCEDURE_TYPES.into_iter().enumerate()
    {
        let sheet =
            |field: usize| Set((index == 0).then(|| BUILDING_PERMIT_SHEET[field].to_owned()));
        let procedure = procedure_type::ActiveModel {
            body_id: Set(body_ids[body_index]),
            name: Set(name.into()),
            term_days: Set(term_days),
            legal_basis: Set(legal_basis.map(Into::into)),
            created_at: Set(now),
            description: sheet(0),
            legal_references: sheet(1),
            documents_needed: sheet(2),
            payments: sheet(3),
            online_service_url: sheet(4),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let states = insert_default_workflow(&txn, procedure.id).await?;
        types.push((body_ids[body_index], procedure.id, states));
    }

    for demo in &CASES {
        let (body_id, procedure_type_id, states) = &types[demo.procedure_type];
        let code = CaseCode::parse(demo.code)
            .map_err(|error| DbErr::Custom(format!("demo code: {error}")))?;
        let submitted_on = today - Days::new(demo.submitted_days_ago);
        let day = |days: u64| submitted_on + Days::new(days);
        let to_event = |(order, event): (usize, &DemoEvent)| NewEvent {
            state_id: states[event.state],
            public_note: event.public_note.map(Into::into),
            internal_note: event.internal_note.map(Into::into),
            occurred_at: day(event.day)
                .and_hms_opt(8, 30 + order as u32, 0)
                .expect("a time of day")
                .and_utc(),
            recorded_by: None,
            source: EventSource::Demo,
            extension: event.extension.map(|(days, legal_basis)| Extension {
                days,
                legal_basis: legal_basis.into(),
            }),
            observations_on: event.observations_day.map(day),
            reply_by: event.reply_by_day.map(day),
            correction_reason: None,
        };
        let mut events = demo.events.iter().enumerate().map(to_event);
        let first = events.next().expect("every demo pratica has events");
        let new_case = NewCase {
            code,
            body_id: *body_id,
            procedure_type_id: *procedure_type_id,
            subject: demo.subject.into(),
            own_reference: demo.own_reference.map(Into::into),
            submitted_on,
            office_name: demo.office.into(),
            responsible_name: demo.responsible.into(),
            responsible_contact: demo.contact.into(),
        };
        let registered_at = first.occurred_at;
        let case = cases::register(&txn, new_case, first, registered_at).await?;
        let workflow = workflow_rules_of(&txn, *procedure_type_id).await?;
        for event in events {
            let recorded_at = event.occurred_at;
            cases::record_event(&txn, &workflow, case.id, None, event, recorded_at).await?;
        }
    }
    txn.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procedure_types::{DEFAULT_STATES, DEFAULT_TRANSITIONS};
    use pratiche_domain::PublicPhase;
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
            .map(|c| DEFAULT_STATES[c.events.last().unwrap().state].1)
            .collect();
        assert_eq!(phases.len(), PublicPhase::ALL.len());
    }

    #[test]
    fn demo_histories_follow_the_demo_transitions() {
        let allowed = pratiche_domain::workflow::Transitions::new(
            DEFAULT_TRANSITIONS
                .iter()
                .flat_map(|(from, targets)| targets.iter().map(move |to| (*from, *to))),
        );
        for case in &CASES {
            for pair in case.events.windows(2) {
                assert!(
                    allowed.allows(pair[0].state, pair[1].state),
                    "{}: {} → {}",
                    case.code,
                    pair[0].state,
                    pair[1].state
                );
            }
        }
    }
}
