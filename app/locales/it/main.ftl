# Pratiche — testi in italiano (lingua predefinita).
language-name = Italiano
site-tagline = Stato delle pratiche
skip-to-content = Vai al contenuto principale
breadcrumb-label = Percorso di navigazione
breadcrumb-home = Home

date-long = { $day } { $month } { $year }
month-1 = gennaio
month-2 = febbraio
month-3 = marzo
month-4 = aprile
month-5 = maggio
month-6 = giugno
month-7 = luglio
month-8 = agosto
month-9 = settembre
month-10 = ottobre
month-11 = novembre
month-12 = dicembre

home-title = Segui la tua pratica
home-intro = Con il codice della pratica può vedere a che punto è la sua domanda presso un Comune o un'Unione della provincia: lo stato, la storia, chi se ne occupa e che cosa succede dopo. Non serve registrarsi.
lookup-label = Codice della pratica
lookup-hint = 13 simboli tra lettere e cifre, per esempio { $example }. Maiuscole, minuscole, spazi e trattini non contano.
lookup-submit = Cerca la pratica
lost-code-title = Non trova il codice?
lost-code-where = Il codice è stampato sulla ricevuta che le è stata consegnata quando ha presentato la domanda, con un codice QR che apre direttamente la pagina della pratica. Si trova anche nella comunicazione di avvio del procedimento ricevuta per e-mail o PEC.
lost-code-contact = Se non lo trova, contatti l'ufficio dell'amministrazione a cui ha presentato la domanda:
contact-phone = Telefono
contact-email = E-mail
contact-address = Indirizzo
contact-hours = Orari

code-empty = Scriva il codice della pratica.
code-incomplete = Il codice è incompleto: ha { $found } simboli su 13. Controlli di averlo copiato tutto.
code-too-long = Il codice ha { $found } simboli, ma ne ha 13. Controlli di non aver aggiunto altro.
code-invalid-symbol = Il simbolo «{ $symbol }» non può comparire in quel punto del codice: controlli il codice.
code-wrong-check = Il codice non torna: controlli il codice. L'ultimo simbolo serve a scoprire gli errori di battitura.
code-ok = Il codice è scritto correttamente.
code-how-to-read = Come leggere il codice: sono 12 simboli e un simbolo di controllo finale, divisi in gruppi di quattro (XXXX-XXXX-XXXX-X). Le lettere I, L e O non si usano: valgono come 1, 1 e 0.

lookup-error-title = Controlli il codice

not-found-title = Pratica non trovata
not-found-text = Nessuna pratica corrisponde al codice { $code }, oppure la pratica è stata chiusa da più di un anno e non è più consultabile.
not-found-help = Un codice ha 13 simboli, come { $example }, ed è stampato sulla ricevuta della domanda. Se il codice le sembra giusto, contatti l'ufficio a cui ha presentato la domanda.
lookup-again = Cerca un'altra pratica

rate-limited-title = Troppe ricerche
rate-limited-text = Da questa connessione sono arrivate troppe ricerche in poco tempo. Riprovi tra { $seconds ->
    [one] un secondo
   *[other] { $seconds } secondi
}.

unavailable-title = Servizio momentaneamente non disponibile
unavailable-text = Non riusciamo a consultare le pratiche in questo momento. Riprovi tra qualche minuto.

page-not-found-title = Pagina non trovata
page-not-found-text = L'indirizzo non corrisponde a nessuna pagina di questo sito.
back-home = Torna alla pagina iniziale

case-label = Pratica { $code }
case-status-title = Stato attuale
case-next-steps = Prossimi passi
case-details-title = Dati della pratica
case-body = Amministrazione
case-procedure = Procedimento
case-office = Ufficio
case-responsible = Responsabile del procedimento
case-contact = Contatti
case-submitted-on = Domanda presentata il
case-due-not-computed = non ancora calcolato
case-history-title = Storia della pratica
case-history-empty = Nessun aggiornamento.
case-contact-sentence = Per informazioni: { $office }, { $responsible } — { $contact }.

phase-submitted = Presentata
phase-in_review = In lavorazione
phase-documents_requested = Integrazione richiesta
phase-rejection_notice = Preavviso di rigetto
phase-approved = Conclusa – accolta
phase-rejected = Conclusa – respinta
phase-closed = Chiusa

phase-submitted-sentence = La domanda è stata ricevuta e registrata.
phase-in_review-sentence = L'ufficio sta esaminando la domanda.
phase-documents_requested-sentence = L'ufficio le ha chiesto di integrare la domanda con altri documenti. Finché non risponde, il termine per concludere è sospeso.
phase-rejection_notice-sentence = L'ufficio le ha comunicato i motivi che impediscono di accogliere la domanda (preavviso di rigetto). Il termine per concludere è sospeso.
phase-approved-sentence = Il procedimento è concluso: la domanda è stata accolta.
phase-rejected-sentence = Il procedimento è concluso: la domanda è stata respinta.
phase-closed-sentence = La pratica è chiusa senza una decisione, per esempio per rinuncia o archiviazione.

phase-submitted-next = Per ora non deve fare nulla. L'ufficio assegnerà la domanda a un responsabile e la esaminerà; ogni passaggio comparirà in questa pagina.
phase-in_review-next = Per ora non deve fare nulla. Se l'ufficio avrà bisogno di altri documenti glielo chiederà, e la richiesta comparirà in questa pagina.
phase-documents_requested-next = Invii i documenti richiesti nel modo e nei tempi indicati dall'ufficio. Ecco che cosa le è stato chiesto:
phase-rejection_notice-next = Entro 10 giorni dal ricevimento del preavviso può presentare per iscritto le sue osservazioni, eventualmente con documenti. L'ufficio ne terrà conto nella decisione. Ecco che cosa le è stato comunicato:
phase-approved-next = Non deve fare nulla. Il provvedimento le è stato o le sarà inviato dall'ufficio.
phase-rejected-next = Il provvedimento di rigetto indica come e entro quando può presentare ricorso (di norma al TAR entro 60 giorni, o ricorso straordinario al Presidente della Repubblica entro 120 giorni).
phase-closed-next = Non deve fare nulla. Se pensa che la pratica sia stata chiusa per errore, contatti l'ufficio.

due-label = Termine per concludere
due-days-left = { $days ->
    [one] manca 1 giorno
   *[other] mancano { $days } giorni
}
due-today = scade oggi
due-overdue = { $days ->
    [one] scaduto da 1 giorno
   *[other] scaduto da { $days } giorni
}
due-awaiting-documents = sospeso dal { $since } in attesa di integrazioni
due-awaiting-documents-reply-by = sospeso dal { $since } in attesa di integrazioni (rispondere entro il { $reply_by })
due-awaiting-observations = sospeso dal { $since } per il preavviso di rigetto (osservazioni entro il { $answer_by })
due-concluded = conclusa il { $date } in { $used ->
    [one] 1 giorno
   *[other] { $used } giorni
} su { $allowed }

clock-how = Come è calcolata questa data
clock-start = Domanda presentata il { $date }; il giorno di presentazione non si conta.
clock-term = Termine del procedimento: { $days ->
    [one] 1 giorno
   *[other] { $days } giorni
}.
clock-documents = Richiesta di integrazioni dal { $from } al { $until }: { $days ->
    [one] 1 giorno
   *[other] { $days } giorni
} di sospensione.
clock-documents-capped = Richiesta di integrazioni dal { $from } al { $until }: la sospensione conta al massimo 30 giorni.
clock-documents-open = Richiesta di integrazioni dal { $from }, in attesa di risposta: si contano 30 giorni, il massimo della sospensione; la data si aggiorna quando arriva la risposta.
clock-documents-repeated = Nuova richiesta di integrazioni del { $on }: non sospende il termine, perché la sospensione è ammessa una sola volta.
clock-notice = Preavviso di rigetto del { $from }, senza osservazioni: termine sospeso fino al { $until } ({ $days ->
    [one] 1 giorno
   *[other] { $days } giorni
}).
clock-notice-observations = Preavviso di rigetto del { $from }, osservazioni ricevute il { $observed }: termine sospeso fino al { $until } ({ $days ->
    [one] 1 giorno
   *[other] { $days } giorni
}).
clock-extension = Proroga del { $on }: { $days ->
    [one] 1 giorno
   *[other] { $days } giorni
} in più ({ $basis }).
clock-total = Presentazione più termine, sospensioni e proroghe: { $date }.
clock-skip = { $date }: { $reason }, il termine passa al giorno lavorativo successivo.
clock-due = Termine per concludere: { $date }.
day-off-sunday = domenica
day-off-holiday = festività ({ $name })
day-off-patron = festa del santo patrono

silence-title = Se l'amministrazione non risponde
silence-overdue = Il termine per concludere è scaduto il { $date } senza una decisione.
silence-intro = Se il procedimento non si conclude entro il termine, può chiedere l'intervento del titolare del potere sostitutivo, che deve concludere il procedimento entro la metà del termine originario (legge 241/1990, art. 2, commi 9-bis e 9-ter).
silence-substitute = Titolare del potere sostitutivo
silence-default = L'amministrazione non ha indicato un titolare del potere sostitutivo: per legge è il funzionario di più elevato livello dell'amministrazione. Può raggiungerlo tramite { $office }.
silence-remedies = Può inoltre presentare ricorso al Tribunale amministrativo regionale contro il silenzio, finché dura l'inadempimento e comunque entro un anno dalla scadenza del termine (codice del processo amministrativo, artt. 31 e 117), e chiedere l'indennizzo per il ritardo dove previsto (legge 241/1990, art. 2-bis).

language-switch-label = Lingua
footer-accessibility = Dichiarazione di accessibilità
footer-privacy = Informativa privacy
footer-staff = Area riservata

accessibility-title = Dichiarazione di accessibilità
accessibility-intro = { $installation } si impegna a rendere accessibile il servizio «Stato delle pratiche» ({ $url }), in conformità al decreto legislativo 10 agosto 2018, n. 106, che ha recepito la direttiva (UE) 2016/2102. Questa dichiarazione si applica a tutte le pagine pubbliche del servizio.
accessibility-status-title = Stato di conformità
accessibility-status = Il servizio è conforme ai requisiti previsti dall'allegato A della norma UNI CEI EN 301549, secondo le Linee guida AgID sull'accessibilità degli strumenti informatici (WCAG 2.1 livello AA). Le pagine funzionano anche senza JavaScript, si usano con la sola tastiera e si leggono su schermi larghi 320 pixel.
accessibility-prepared-title = Redazione della dichiarazione
accessibility-prepared = La dichiarazione è stata redatta il { $date } con un'autovalutazione: ogni versione del servizio è verificata automaticamente con axe-core (criteri WCAG 2.0, 2.1 e 2.2 livelli A e AA) su ogni pagina, in due larghezze di schermo, e con prove d'uso da tastiera.
accessibility-feedback-title = Feedback e recapiti
accessibility-feedback = Per segnalare un problema di accessibilità o chiedere un contenuto in forma accessibile, scriva a
accessibility-enforcement-title = Procedura di attuazione
accessibility-enforcement = Se la risposta non è soddisfacente o non arriva entro 30 giorni, può inviare una segnalazione al Difensore civico per il digitale presso l'Agenzia per l'Italia Digitale (AgID), come previsto dall'articolo 3-quinquies della legge 9 gennaio 2004, n. 4.

privacy-title = Informativa sul trattamento dei dati personali
privacy-controllers-title = Titolari del trattamento
privacy-controllers = Ogni amministrazione è titolare del trattamento dei dati delle pratiche presentate a essa, ai sensi del Regolamento (UE) 2016/679 (GDPR). Questi sono i loro recapiti:
privacy-processor-title = Responsabile del trattamento
privacy-processor = { $installation } gestisce il servizio per conto delle amministrazioni, come responsabile del trattamento (articolo 28 del GDPR).
privacy-data-title = Quali dati trattiamo
privacy-data = Per consultare una pratica basta il suo codice: non chiediamo alcun dato personale e le pagine pubbliche non mostrano dati personali dei richiedenti. L'indirizzo IP di chi consulta è usato solo per limitare le ricerche ripetute, in memoria e per pochi minuti; i registri tecnici del server non contengono i codici completi delle pratiche.
privacy-retention = Una pratica conclusa resta consultabile per { $days } giorni dalla chiusura; poi il suo codice non dà più risultati.
privacy-alerts = Se chiede gli avvisi per e-mail di una pratica, conserviamo l'indirizzo, la lingua in cui l'ha chiesto e il registro delle mail inviate, solo per mandarle gli avvisi di quella pratica. Li cancelliamo { $days } giorni dopo la chiusura della pratica; se annulla gli avvisi, non le scriviamo più da subito. Se al momento della domanda ha dato il codice fiscale per ricevere gli avvisi nell'app IO, lo conserviamo allo stesso modo e solo per questo: a ogni avviso chiediamo a IO se ha attivato i messaggi dell'ente, e lo cancelliamo insieme agli indirizzi.
privacy-cookies-title = Cookie
privacy-cookies = Usiamo solo cookie tecnici, senza profilazione né terze parti: la lingua scelta e, se lo chiede, i codici delle pratiche da ricordare su questo dispositivo. Restano sul suo dispositivo e non richiedono consenso.
privacy-basis-title = Finalità e base giuridica
privacy-basis = I dati sono trattati per informare sullo stato dei procedimenti amministrativi, compito di interesse pubblico delle amministrazioni (articolo 6, paragrafo 1, lettera e del GDPR; legge 7 agosto 1990, n. 241).
privacy-rights-title = I suoi diritti
privacy-rights = Può esercitare i diritti degli articoli da 15 a 22 del GDPR rivolgendosi all'amministrazione titolare, e proporre reclamo al Garante per la protezione dei dati personali.

staff-contact = Per avere un account come operatore o amministratore del suo ente, scriva al centro servizi:

mine-title = Le mie pratiche
mine-intro = Le pratiche ricordate su questo dispositivo. L'elenco resta solo nel suo browser: il server non lo conserva.
mine-remove = Rimuovi { $code }
mine-forget-all = Dimentica tutte
mine-not-found = Non trovata o non più consultabile
mine-throttled = Troppe ricerche da questa connessione: l'elenco tornerà visibile tra { $seconds ->
    [one] un secondo
   *[other] { $seconds } secondi
}.
remember-button = Ricorda su questo dispositivo
remember-hint = Il codice resta solo in questo browser, per ritrovare la pratica dalla pagina iniziale. Non serve registrarsi.
remember-done = Questa pratica è ricordata su questo dispositivo: la trova nella pagina iniziale.
remember-forget = Non ricordarla più

signin-title = Area riservata
signin-intro = Accesso per il personale dei Comuni e delle Unioni che aggiorna lo stato delle pratiche. I cittadini non hanno bisogno di un account.
signin-username = Nome utente
signin-password = Password
signin-submit = Accedi
signin-wrong = Nome utente o password non corretti.
signin-locked = Troppi tentativi, riprova tra { $minutes ->
    [one] 1 minuto
   *[other] { $minutes } minuti
}.
signin-busy = Troppe richieste di accesso in questo momento: riprova tra qualche secondo.
account-title = Il suo account
account-role-province_admin = Amministratore del centro servizi
account-role-body_admin = Amministratore dell'ente
account-role-clerk = Operatore
account-name = Nome
account-username = Nome utente
account-role = Ruolo
account-sign-out = Esci
account-sessions-title = Accessi recenti
account-session-when = Accesso
account-session-where = Indirizzo
account-session-device = Browser
account-session-state = Stato
account-session-current = questo accesso
account-session-active = attivo
account-session-ended = chiuso
account-sign-out-everywhere = Esci da tutti i dispositivi
account-email-title = E-mail per gli avvisi tecnici
account-email-label = Indirizzo e-mail
account-email-hint = Facoltativo. Agli amministratori dell'ente scriviamo qui quando un webhook viene disattivato. Lasci vuoto per non ricevere avvisi.
account-email-submit = Salva l'indirizzo
account-email-saved = Indirizzo salvato.
account-email-removed = Indirizzo rimosso: non riceverà avvisi per e-mail.
account-email-invalid = L'indirizzo non è valido: scriva un indirizzo e-mail completo, come nome@comune.it.
account-password-title = Cambia la password
account-password-current = Password attuale
account-password-new = Nuova password
account-password-confirm = Ripeti la nuova password
account-password-hint = Da 12 a 256 caratteri; spazi e qualsiasi carattere sono ammessi. Cambiarla chiude gli accessi su tutti gli altri dispositivi.
account-password-submit = Cambia la password
account-password-changed = Password cambiata. Gli accessi sugli altri dispositivi sono stati chiusi.
account-password-wrong-current = La password attuale non è corretta.
account-password-too-short = La nuova password deve avere almeno 12 caratteri.
account-password-too-long = La nuova password può avere al massimo 256 caratteri.
account-password-mismatch = Le due nuove password non coincidono.
account-password-locked = Troppi tentativi con una password attuale sbagliata: riprova tra qualche minuto.
account-password-busy = Troppe richieste in questo momento: riprova tra qualche secondo.

bo-nav-label = Area riservata
bo-nav-cases = Pratiche
bo-nav-account = Account
dash-title = Pratiche di { $body }
dash-filters = Filtri
dash-search = Cerca per codice, protocollo o oggetto
dash-phase = Fase
dash-any = Tutte
dash-type = Procedimento
dash-due = Scadenza
dash-due-past = Scadute
dash-due-week = In scadenza entro 7 giorni
dash-apply = Filtra
dash-past-due = { $count ->
    [one] 1 pratica scaduta
   *[other] { $count } pratiche scadute
}
dash-due-soon = { $count ->
    [one] 1 in scadenza entro 7 giorni
   *[other] { $count } in scadenza entro 7 giorni
}
dash-past-due-more = Più di { $count } pratiche scadute
dash-due-soon-more = Più di { $count } in scadenza entro 7 giorni
dash-total = { $count ->
    [one] 1 pratica trovata
   *[other] { $count } pratiche trovate
}
dash-total-more = Più di { $count } pratiche trovate
dash-col-code = Codice
dash-col-subject = Oggetto
dash-col-reference = Protocollo
dash-col-type = Procedimento
dash-col-phase = Fase
dash-col-due = Termine
dash-empty = Nessuna pratica corrisponde ai filtri.
dash-no-body = Il suo account non appartiene a un ente: le pratiche si consultano con l'account di un operatore o di un amministratore dell'ente.
dash-previous = Pagina precedente
dash-next = Pagina successiva
dash-page = Pagina { $page } di { $pages }
dash-page-open = Pagina { $page }
record-history = Storia completa
record-public-note = Per il cittadino
record-internal-note = Nota interna
record-recorded = Registrato il { $when } da { $who }, tramite { $source }
record-source-backoffice = web
record-source-api = API
record-source-demo = dati dimostrativi
record-system = sistema
record-reference = Protocollo
record-public-page = Apri la pagina pubblica
record-not-found = Nessuna pratica del suo ente ha questo codice.
record-reply-by = Rispondere entro il { $date }.
record-observations = Osservazioni ricevute il { $date }.
record-extension = Proroga di { $days } giorni ({ $basis }).

reg-title = Registra una pratica
reg-type = Procedimento
reg-subject = Oggetto (pubblico: senza dati personali)
reg-reference = Protocollo o riferimento interno
reg-submitted-on = Data di presentazione
reg-office = Ufficio
reg-responsible = Responsabile del procedimento
reg-contact = Contatti del responsabile (e-mail, telefono)
reg-submit = Registra e prepara la ricevuta
reg-errors = Correggere i campi indicati.
reg-error-required = Campo obbligatorio.
reg-error-too-long = Testo troppo lungo.
form-error-control-characters = Togliere i caratteri di controllo (caratteri invisibili incollati da un altro programma).
reg-error-type = Scegliere un procedimento dell'ente.
reg-error-date = Indicare una data valida, non futura.
reg-error-reference-taken = Questo riferimento è già usato da un'altra pratica dell'ente.
receipt-title = Ricevuta di presentazione
receipt-intro = Conservi questa ricevuta: il codice serve per seguire la pratica.
receipt-follow = Per seguire la pratica apra { $url } o inquadri il codice QR.
receipt-qr = Codice QR della pagina della pratica
receipt-print = Per stamparla o salvarla come PDF usi la funzione di stampa del browser.
receipt-link = Ricevuta
bo-nav-register = Nuova pratica
case-correction = Rettifica
change-title = Registra un cambio di stato
change-none-allowed = Dallo stato attuale il procedimento non prevede altri passaggi; resta possibile una rettifica.
change-correction-title = Rettifica (correzione della storia)
change-correction-intro = La storia non si modifica: un errore si corregge con una rettifica, che può impostare qualsiasi stato ed è mostrata al cittadino come «Rettifica». Il motivo resta interno.
change-state = Nuovo stato
change-reason = Motivo della rettifica
change-reason-hint = Obbligatorio; visibile solo al personale.
change-public-note = Nota per il cittadino
change-public-note-hint = Compare sulla pagina pubblica: niente nomi, codici fiscali, indirizzi, contatti o IBAN.
change-internal-note = Nota interna
change-internal-note-hint = Visibile solo al personale dell'ente.
change-date = Data dell'evento
change-time = Ora (facoltativa)
change-time-hint = Senza ora: adesso, se la data è oggi; altrimenti le 18:00 di quel giorno.
change-clock-fields = Effetti sul termine (solo dove si applicano)
change-reply-by = Rispondere entro
change-reply-by-hint = Solo per una richiesta di integrazioni: la data entro cui il cittadino deve rispondere.
change-extension-days = Proroga (giorni)
change-extension-hint = Solo se la legge consente di prorogare il termine; indicare anche il riferimento normativo.
change-extension-basis = Riferimento normativo della proroga
change-observations = Osservazioni ricevute il
change-observations-hint = Dopo un preavviso di rigetto: la data di arrivo delle osservazioni del cittadino.
change-preview = Anteprima dell'effetto sulla scadenza
change-save = Salva il cambio di stato
change-save-correction = Salva la rettifica
change-personal-data = La nota per il cittadino sembra contenere dati personali ({ $kinds }). È pubblica: la corregga, oppure confermi che può essere pubblicata.
change-personal-data-confirm = Confermo: la nota può comparire sulla pagina pubblica.
change-pd-tax_code = un codice fiscale
change-pd-email = un indirizzo e-mail
change-pd-phone = un numero di telefono
change-pd-iban = un IBAN
change-conflict = Un'altra persona ha aggiornato questa pratica mentre lei compilava il modulo: nulla è stato salvato. Controlli la storia qui sotto; se il cambio è ancora corretto, lo salvi di nuovo.
change-preview-title = Anteprima (non ancora salvata)
change-preview-same = La scadenza non cambia: { $now }.
change-preview-moves = La scadenza passa dal { $before } a: { $now }.
change-warning-repeated-request = Attenzione: è una seconda richiesta di integrazioni. Il termine si sospende una sola volta (L. 241/1990, art. 2 c. 7): questa richiesta non lo sospende.
change-saved = Cambio di stato salvato: il cittadino lo vede già sulla pagina pubblica.
change-error-state = Scegliere uno stato fra quelli proposti.
change-error-transition = Questo stato non è previsto dopo lo stato in vigore in quella data.
change-error-breaks-later = In quella data questo stato renderebbe non valido il passaggio successivo già registrato.
change-error-date = Indicare una data valida (AAAA-MM-GG).
change-error-time = Indicare un'ora valida (HH:MM).
change-error-future = La data e l'ora non possono essere nel futuro.
change-error-before-submission = L'evento non può precedere la presentazione della pratica.
change-error-reply-by = Indicare una data non precedente all'evento.
change-error-reply-by-not-request = Si indica solo con una richiesta di integrazioni.
change-error-extension = Indicare da 1 a 180 giorni.
change-error-extension-basis = Indicare il riferimento normativo della proroga.
change-error-observations = Indicare una data fra la presentazione e la data dell'evento.
change-error-reason = Indicare il motivo della rettifica.
bo-nav-staff = Utenti
bo-nav-procedures = Procedimenti
bo-nav-body = Ente
bo-nav-bodies = Enti
bo-nav-audit = Registro delle modifiche
admin-forbidden-title = Accesso riservato
admin-forbidden = Questa pagina è riservata agli amministratori.
admin-not-found = Elemento non trovato.
admin-save = Salva
admin-create = Crea
admin-actions = Azioni
admin-staff-title = Utenti dell'ente
admin-staff-create = Nuovo utente
admin-username = Nome utente
admin-display-name = Nome e cognome
admin-role = Ruolo
admin-role-clerk = Operatore
admin-role-body_admin = Amministratore dell'ente
admin-role-province_admin = Amministratore del centro servizi
admin-status = Stato
admin-status-active = Attivo
admin-status-disabled = Disattivato
admin-disable = Disattiva
admin-enable = Riattiva
admin-new-password = Nuova password
admin-set-password = Imposta la password
admin-initial-password = Password iniziale (almeno 12 caratteri)
admin-body-title = Dati dell'ente
admin-body-contacts = Contatti e orari (pubblici)
admin-contact-office = Ufficio di riferimento
admin-body-substitute = Titolare del potere sostitutivo
admin-body-substitute-hint = Se non indicato, vale il default di legge: la figura apicale dell'ente, con i contatti generali.
admin-substitute-name = Nome
admin-substitute-office = Ruolo o ufficio
admin-substitute-contact = Contatti
admin-body-calendar = Calendario
admin-patron-hint = Il giorno del santo patrono non è lavorativo: le scadenze che vi cadono slittano. Formato MM-GG (es. 06-24); vuoto se nessuno.
admin-patron-day = Santo patrono (MM-GG)
admin-procedures-title = Procedimenti
admin-procedure-create = Nuovo procedimento
admin-procedure-create-hint = Nasce con gli stati e i passaggi standard, da adattare.
admin-procedure-name = Nome del procedimento
admin-term = Termine (giorni)
admin-term-days = { $days } giorni
admin-legal-basis = Riferimento normativo del termine
admin-term-hint = Da 1 a 180 giorni; oltre 90 solo con il riferimento normativo. Se la legge non dice nulla: 30. Cambiare il termine ricalcola le scadenze delle pratiche di questo procedimento.
admin-states = Stati interni
admin-states-hint = Ogni stato corrisponde a una fase pubblica: il cittadino vede la fase e, se indicato, il testo dell'ente. Le pratiche già registrate conservano la loro storia.
admin-state-add = Aggiungi uno stato
admin-state-name = Nome dello stato
admin-state-phase = Fase pubblica
admin-state-text = Testo per il cittadino (facoltativo)
admin-transitions = Passaggi consentiti
admin-transitions-hint = Righe: lo stato attuale; colonne: lo stato successivo. Le rettifiche possono sempre impostare qualsiasi stato.
admin-transition-from = Da \ a
admin-transition-label = Da { $from } a { $to }
admin-save-transitions = Salva i passaggi
admin-bodies-title = Enti
admin-body-name = Nome dell'ente
admin-body-slug = Identificativo breve (lettere minuscole, cifre e trattini)
admin-body-kind = Tipo di ente
admin-kind-comune = Comune
admin-kind-unione_comuni = Unione di Comuni
admin-body-create = Nuovo ente
admin-body-admins = Amministratori dell'ente
admin-body-admin-create = Nuovo amministratore dell'ente
admin-stat-open = Pratiche aperte
admin-stat-past-due = Scadute
admin-stat-decided = Decisioni negli ultimi 12 mesi
admin-stat-median = Giorni mediani alla decisione (12 mesi)
admin-median-days = { $days } giorni
admin-audit-title = Registro delle modifiche
admin-audit-total = { $total } voci — pagina { $page } di { $pages }
admin-audit-when = Quando
admin-audit-who = Chi
admin-audit-entity = Oggetto
admin-audit-action = Operazione
admin-audit-changes = Modifiche
admin-entity-case = Pratiche
admin-entity-user = Utenti
admin-entity-body = Enti
admin-entity-procedure_type = Procedimenti
admin-error-username = Da 3 a 64 caratteri fra lettere minuscole, cifre, punto, trattino e trattino basso.
admin-error-username-taken = Questo nome utente esiste già.
admin-error-role = Scegliere un ruolo.
admin-error-password-short = Almeno 12 caratteri.
admin-error-password-long = Password troppo lunga.
admin-error-email = Indicare un indirizzo e-mail valido.
admin-error-patron = Indicare un giorno valido nel formato MM-GG.
admin-error-term = Indicare un termine da 1 a 180 giorni.
admin-error-term-basis = Un termine oltre 90 giorni richiede il riferimento normativo.
admin-error-phase = Scegliere una fase pubblica.
admin-error-transition = Passaggio non valido.
admin-error-slug = Da 2 a 60 caratteri fra lettere minuscole, cifre e trattini.
admin-error-slug-taken = Questo identificativo è già usato da un altro ente.
admin-error-kind = Scegliere il tipo di ente.
admin-done-utente-creato = Utente creato.
admin-done-non-se-stessi = Non è possibile disattivare il proprio account.
admin-done-utente-disattivato = Utente disattivato: è stato disconnesso ovunque.
admin-done-utente-riattivato = Utente riattivato.
admin-done-password-impostata = Password impostata: le sessioni dell'utente sono state chiuse.
admin-done-ente-salvato = Dati dell'ente salvati.
admin-io-title = Messaggi nell'app IO
admin-io-none = L'app IO non è attiva per l'ente.
admin-io-set = Chiave del servizio inserita il { $date }.
admin-io-unchecked = Non ancora verificata.
admin-io-accepted = Verificata il { $date }: IO la accetta.
admin-io-refused = Verificata il { $date }: IO la rifiuta. Inserisca una chiave valida.
admin-io-hint = La chiave API del servizio dell'ente su IO (dal Back-office IO). Viene conservata cifrata e non sarà più mostrata.
admin-io-key = Chiave API del servizio IO
admin-io-save = Salva la chiave
admin-io-check = Verifica la chiave con IO
admin-io-remove = Rimuovi la chiave
admin-io-unavailable = Il centro servizi non ha configurato la cifratura delle chiavi (PRATICHE_SECRETS_KEY): l'app IO non è disponibile.
admin-error-io-key = Una chiave IO è fatta di 16–128 lettere e cifre (di solito 32).
admin-done-io-chiave-salvata = Chiave IO salvata. La verifichi con IO.
admin-done-io-chiave-rimossa = Chiave IO rimossa: l'ente non invia più messaggi nell'app IO.
admin-done-io-chiave-valida = IO accetta la chiave.
admin-done-io-chiave-rifiutata = IO rifiuta la chiave: ne inserisca una valida.
admin-done-io-chiave-assente = Nessuna chiave IO da verificare.
admin-done-io-chiave-illeggibile = La chiave salvata non si decifra con la chiave attuale del centro servizi: la inserisca di nuovo.
admin-done-io-non-raggiungibile = IO non ha risposto: riprovi più tardi.
admin-done-procedimento-creato = Procedimento creato.
admin-done-procedimento-salvato = Procedimento salvato.
admin-done-stato-aggiunto = Stato aggiunto.
admin-done-stato-salvato = Stato salvato.
admin-done-passaggi-salvati = Passaggi salvati.
admin-done-ente-creato = Ente creato.
admin-done-amministratore-creato = Amministratore creato.

# API clients (body admin)
bo-nav-api = Accesso API
api-title = Accesso API per i programmi dell'ente
api-intro = Il protocollo, lo sportello SUAP/SUE o il gestionale dell'ente registrano pratiche e stati con un client API: un identificativo e una chiave segreta.
api-docs-link = Documentazione dell'API
api-none = Nessun client API.
api-name = Nome del client
api-client-id = Identificativo (client id)
api-secret = Chiave segreta (client secret)
api-created-at = Creato il
api-last-used = Ultimo uso
api-never-used = Mai usato
api-create = Nuovo client API
api-created-title = Client API creato
api-created-once = Copi ora la chiave segreta nel programma dell'ente: non sarà più mostrata. Se la perde, disattivi il client e ne crei un altro.
admin-done-client-disattivato = Client API disattivato: le sue richieste sono rifiutate da subito.
admin-done-client-riattivato = Client API riattivato.

# E-mail alerts (case page, mails)
alerts-title = Avvisi per e-mail
alerts-intro = Le scriviamo quando la pratica cambia stato, quando l'ufficio le chiede qualcosa e quando un termine si avvicina. Non serve un account.
alerts-email-label = Indirizzo e-mail
alerts-submit = Avvisami per e-mail
alerts-privacy = Useremo l'indirizzo solo per questi avvisi e lo cancelleremo { $days } giorni dopo la chiusura della pratica. Può annullare gli avvisi in ogni momento dal link in fondo a ogni mail.
alerts-sent = Se l'indirizzo può ricevere gli avvisi di questa pratica, le abbiamo scritto: apra il link nella mail entro 48 ore per confermare. Prima della conferma non le scriveremo altro.
alerts-invalid = L'indirizzo e-mail non sembra valido: controlli di averlo scritto per intero, per esempio nome@esempio.it.
alerts-confirm-title = Conferma gli avvisi
alerts-confirm-lead = Confermi di voler ricevere per e-mail gli aggiornamenti della pratica.
alerts-confirm-button = Confermo
alerts-stop-title = Annulla gli avvisi
alerts-stop-lead = Non riceverà più mail su questa pratica.
alerts-stop-button = Annulla gli avvisi
alerts-outcome-title = Avvisi per e-mail
alerts-confirmed = Fatto: le scriveremo a ogni novità della pratica.
alerts-stopped = Fatto: non le scriveremo più su questa pratica.
alerts-link-invalid = Il link non è valido o è scaduto (vale 48 ore). Può chiedere una nuova mail di conferma dalla pagina della pratica.
mail-confirm-subject = Conferma gli avvisi per la pratica { $code }
mail-confirm-asked = È stato chiesto di ricevere a questo indirizzo gli aggiornamenti della pratica { $code } ({ $subject }, { $body }).
mail-confirm-action = Confermo, voglio ricevere gli avvisi
mail-confirm-validity = Il link vale 48 ore.
mail-confirm-ignore = Se non è stato lei, ignori questa mail: non le scriveremo altro.
mail-update-subject = Pratica { $code }: { $phase }
mail-update-now = La pratica { $code } ({ $subject }, { $body }) è ora: { $phase }.
mail-update-happened = Che cosa è successo
mail-update-see = Vedi la pratica
mail-reply-by = risponda entro il { $date }
mail-extension = termine prorogato di { $days } giorni
mail-stop = Non vuole più ricevere questi avvisi? Li annulli qui

mail-webhook-subject = Webhook disattivato: { $url }
mail-webhook-disabled = L'indirizzo { $url } dell'ente { $body } è stato disattivato il { $when }: da allora non gli inviamo più le modifiche delle pratiche.
mail-webhook-failing = Motivo: non ha più accettato una consegna da tre giorni (risposte di errore, nessuna risposta o un rinvio ad altro indirizzo).
mail-webhook-gone = Motivo: ha risposto 410 Gone, cioè ha chiesto di non ricevere più nulla.
mail-webhook-next = Quando il vostro sistema è di nuovo pronto, riattivi l'indirizzo dalla sua pagina e, se serve, invii di nuovo le consegne non riuscite; intanto il sistema può recuperare ogni modifica dal flusso GET /api/v1/changes.
mail-webhook-see = Apri la pagina dell'indirizzo
io-continued = Il messaggio continua sulla pagina della pratica.
io-reference = Riferimento del messaggio: { $reference }
alerts-feed-title = Segua la pratica
alerts-feed = Aggiornamenti in formato Atom
alerts-feed-hint = per un lettore di feed: la storia pubblica della pratica, senza dare un indirizzo.
record-messages = Avvisi al cittadino
record-messages-none = Nessun avviso: nessuno ha chiesto di essere avvisato su questa pratica.
admin-failed-messages = Avvisi non recapitati
admin-failed-messages-hint = Gli avvisi per e-mail che non è stato possibile consegnare dopo tutti i tentativi, i più recenti per primi.
admin-failed-messages-none = Nessun avviso non recapitato.
message-col-code = Pratica
message-col-kind = Avviso
message-col-recipient = Destinatario
message-col-when = Quando
message-col-status = Stato
message-col-attempts = Tentativi
message-col-error = Ultimo errore
message-kind-confirmation = Conferma dell'indirizzo
message-kind-update = Aggiornamento
message-status-pending = In coda
message-status-sent = Inviato
message-status-failed = Non recapitato
message-status-merged = Unito al successivo
message-status-dropped = Annullato
reg-alerts = Avvisi per e-mail al richiedente
reg-alerts-hint = Facoltativo. Se il richiedente lo chiede, gli scriveremo a ogni novità della pratica: subito una mail con il codice e il link, poi gli aggiornamenti.
reg-applicant-email = E-mail del richiedente
reg-email-consent = Il richiedente acconsente a ricevere gli avvisi a questo indirizzo
reg-io-hint = L'ente invia gli aggiornamenti anche nell'app IO: con il codice fiscale del richiedente, li riceverà lì se ha attivato i messaggi dell'ente nell'app.
reg-applicant-fiscal-code = Codice fiscale del richiedente (per l'app IO)
reg-error-fiscal-code = Questo non è un codice fiscale valido: controlli i 16 caratteri.
reg-error-io-off = L'ente non ha ancora attivato l'app IO: un amministratore deve inserire la chiave del servizio.
reg-applicant-language = Lingua delle mail
reg-error-consent = Serve il consenso del richiedente per scrivergli a questo indirizzo.
mail-welcome-subject = Pratica { $code } registrata: ecco il codice
mail-welcome-registered = La sua domanda ({ $subject }, { $body }) è stata registrata con il codice { $code }.
mail-welcome-keep = Conservi il codice: con questo può vedere lo stato della pratica in ogni momento, e le scriveremo a ogni novità.
mail-reminder-subject = Promemoria: pratica { $code }, risponda entro il { $date }
mail-reminder-lead = Promemoria: per la pratica { $code } ({ $subject }) l'ufficio attende i documenti richiesti entro il { $date }.
mail-overdue-subject = Pratica { $code }: il termine per concludere è scaduto
message-kind-welcome = Codice e link
message-kind-reminder = Promemoria
message-kind-overdue = Termine scaduto
admin-state-notify = Avvisa i cittadini iscritti quando la pratica entra in questo stato
webhook-title = Webhook
webhook-intro = Il software dell'ente può essere avvisato subito di ogni cambiamento: ogni consegna è firmata secondo lo standard Standard Webhooks (intestazioni webhook-id, webhook-timestamp, webhook-signature) con il segreto dell'endpoint.
webhook-unavailable = Il centro servizi non ha configurato la cifratura dei segreti (PRATICHE_SECRETS_KEY): i webhook non sono disponibili.
webhook-notices = Se un indirizzo viene disattivato perché non risponde, ne scriviamo agli amministratori dell'ente con un indirizzo e-mail nel proprio account ({ $count }).
webhook-notices-nobody = Se un indirizzo viene disattivato perché non risponde, ne scriviamo agli amministratori dell'ente con un indirizzo e-mail nel proprio account: al momento nessuno ne ha indicato uno.
webhook-admins-told = amministratori avvisati il { $when }
webhook-none = Nessun endpoint.
webhook-url = Indirizzo (URL https)
webhook-description = Descrizione
webhook-events = Eventi
webhook-create = Nuovo endpoint
webhook-secret-title = Segreto di firma
webhook-secret-once = Il segreto per { $url }: lo copi ora, non sarà più mostrato.
webhook-failing = attivo, consegne fallite dal { $since }
webhook-send-test = Invia un evento di prova
webhook-rotate = Nuovo segreto
webhook-deliveries-title = Consegne del webhook
webhook-created = Creata
webhook-type = Tipo
webhook-attempts = Tentativi
webhook-answer = Risposta
webhook-error = Errore
webhook-resend = Reinvia
webhook-resend-failed = Reinvia le consegne fallite
webhook-from = Dal giorno
webhook-to = Al giorno (compreso)
webhook-status-pending = in attesa
webhook-status-sent = consegnata
webhook-status-failed = fallita
webhook-error-url = Serve un indirizzo https completo, senza nome utente né #.
webhook-error-events = Scelga almeno un tipo di evento.
webhook-error-unreachable = L'indirizzo non risponde (nome sconosciuto o nessuna connessione).
webhook-error-private = L'indirizzo porta a una rete privata o locale: non è consentito.
webhook-error-days = Indichi due giorni, il primo non dopo il secondo.
admin-done-webhook-disattivato = Endpoint disattivato.
admin-done-webhook-riattivato = Endpoint riattivato.
admin-done-webhook-prova = Evento di prova in coda: lo vede qui sotto tra pochi secondi.
admin-done-webhook-reinvio = Consegne rimesse in coda.
webhook-error-event-unknown = Tipo di evento sconosciuto.
