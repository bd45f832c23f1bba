# Pratiche — English texts.
language-name = English
site-tagline = Application status
skip-to-content = Skip to main content
breadcrumb-label = Breadcrumb
breadcrumb-home = Home

date-long = { $day } { $month } { $year }
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

home-title = Track your application
home-intro = With your application code you can see where your application to a municipality or union of municipalities of the province stands: its status, its history, who is handling it and what happens next. No registration needed.
lookup-label = Application code
lookup-hint = 13 letters and digits, for example { $example }. Upper or lower case, spaces and hyphens do not matter.
lookup-submit = Find the application
lost-code-title = Cannot find your code?
lost-code-where = The code is printed on the receipt you were given when you submitted your application, with a QR code that opens the application's page directly. It is also in the notice of the start of the procedure you received by e-mail or certified e-mail (PEC).
lost-code-contact = If you cannot find it, contact the office of the administration you applied to:
contact-phone = Phone
contact-email = E-mail
contact-address = Address
contact-hours = Opening hours

code-empty = Type the application code.
code-incomplete = The code is incomplete: it has { $found } of its 13 symbols. Check that you copied all of it.
code-too-long = The code has { $found } symbols, but codes have 13. Check that nothing was added.
code-invalid-symbol = The symbol “{ $symbol }” cannot occur at that point of a code: check the code.
code-wrong-check = The code does not add up: check the code. The last symbol is there to catch typing mistakes.
code-ok = The code is written correctly.
code-how-to-read = How to read the code: 12 symbols and a final check symbol, in groups of four (XXXX-XXXX-XXXX-X). The letters I, L and O are not used: they count as 1, 1 and 0.

lookup-error-title = Check the code

not-found-title = Application not found
not-found-text = No application matches the code { $code }, or the application was closed more than a year ago and can no longer be consulted.
not-found-help = A code has 13 symbols, like { $example }, and is printed on the receipt of your application. If the code looks right, contact the office you applied to.
lookup-again = Find another application

rate-limited-title = Too many searches
rate-limited-text = Too many searches came from this connection in a short time. Try again in { $seconds ->
    [one] one second
   *[other] { $seconds } seconds
}.

unavailable-title = Service temporarily unavailable
unavailable-text = We cannot look up applications right now. Try again in a few minutes.

page-not-found-title = Page not found
page-not-found-text = The address does not match any page of this site.
back-home = Back to the home page

case-label = Application { $code }
case-status-title = Current status
case-next-steps = Next steps
case-details-title = Application details
case-body = Administration
case-procedure = Procedure
case-office = Office
case-responsible = Person responsible for the procedure
case-contact = Contact
case-submitted-on = Application submitted on
case-due-not-computed = not yet computed
case-history-title = History of the application
case-history-empty = No updates.
case-contact-sentence = For information: { $office }, { $responsible } — { $contact }.

phase-submitted = Submitted
phase-in_review = Under review
phase-documents_requested = Documents requested
phase-rejection_notice = Notice of intended rejection
phase-approved = Concluded – approved
phase-rejected = Concluded – rejected
phase-closed = Closed

phase-submitted-sentence = The application has been received and registered.
phase-in_review-sentence = The office is examining the application.
phase-documents_requested-sentence = The office has asked you to complete the application with further documents. Until you answer, the deadline is suspended.
phase-rejection_notice-sentence = The office has told you the reasons that prevent approving the application (notice of intended rejection). The deadline is suspended.
phase-approved-sentence = The procedure is concluded: the application has been approved.
phase-rejected-sentence = The procedure is concluded: the application has been rejected.
phase-closed-sentence = The application was closed without a decision, for example because it was withdrawn or archived.

phase-submitted-next = You need not do anything for now. The office will assign the application to a responsible person and examine it; every step will appear on this page.
phase-in_review-next = You need not do anything for now. If the office needs further documents it will ask you, and the request will appear on this page.
phase-documents_requested-next = Send the requested documents in the way and within the time the office set. This is what you were asked:
phase-rejection_notice-next = Within 10 days of receiving the notice you may send written observations, with documents if you wish. The office will take them into account in its decision. This is what you were told:
phase-approved-next = You need not do anything. The office has sent or will send you the decision.
phase-rejected-next = The decision states how and by when you may appeal (usually to the Regional Administrative Court within 60 days, or by extraordinary appeal to the President of the Republic within 120 days).
phase-closed-next = You need not do anything. If you think the application was closed by mistake, contact the office.

due-label = Deadline for a decision
due-days-left = { $days ->
    [one] 1 day left
   *[other] { $days } days left
}
due-today = due today
due-overdue = { $days ->
    [one] overdue by 1 day
   *[other] overdue by { $days } days
}
due-awaiting-documents = suspended since { $since } waiting for documents
due-awaiting-documents-reply-by = suspended since { $since } waiting for documents (reply by { $reply_by })
due-awaiting-observations = suspended since { $since } for the notice of intended rejection (observations by { $answer_by })
due-concluded = concluded on { $date } in { $used ->
    [one] 1 day
   *[other] { $used } days
} out of { $allowed }

clock-how = How this date is computed
clock-start = Application submitted on { $date }; the day of submission is not counted.
clock-term = Term of the procedure: { $days ->
    [one] 1 day
   *[other] { $days } days
}.
clock-documents = Request for documents from { $from } to { $until }: { $days ->
    [one] 1 day
   *[other] { $days } days
} of suspension.
clock-documents-capped = Request for documents from { $from } to { $until }: the suspension counts 30 days at most.
clock-documents-open = Request for documents since { $from }, waiting for the reply: 30 days are counted, the longest suspension allowed; the date is updated when the reply arrives.
clock-documents-repeated = Further request for documents on { $on }: it does not suspend the term, as the suspension is allowed only once.
clock-notice = Notice of intended rejection on { $from }, no observations: term suspended until { $until } ({ $days ->
    [one] 1 day
   *[other] { $days } days
}).
clock-notice-observations = Notice of intended rejection on { $from }, observations received on { $observed }: term suspended until { $until } ({ $days ->
    [one] 1 day
   *[other] { $days } days
}).
clock-extension = Extension on { $on }: { $days ->
    [one] 1 more day
   *[other] { $days } more days
} ({ $basis }).
clock-total = Submission plus term, suspensions and extensions: { $date }.
clock-skip = { $date }: { $reason }, the term moves to the next working day.
clock-due = Deadline for a decision: { $date }.
day-off-sunday = Sunday
day-off-holiday = public holiday ({ $name })
day-off-patron = the patron saint's day

silence-title = If the administration does not answer
silence-overdue = The deadline passed on { $date } without a decision.
silence-intro = If the procedure is not concluded within its term, you may ask the official with substitute powers to step in; they must conclude the procedure within half of the original term (Law 241/1990, art. 2, paragraphs 9-bis and 9-ter).
silence-substitute = Official with substitute powers
silence-default = The administration has not named an official with substitute powers: by law it is the administration's highest-ranking official. You can reach them through { $office }.
silence-remedies = You may also appeal to the Regional Administrative Court against the silence, while it lasts and in any case within one year of the deadline (Code of Administrative Procedure, arts. 31 and 117), and claim compensation for the delay where provided (Law 241/1990, art. 2-bis).

language-switch-label = Language
footer-accessibility = Accessibility statement
footer-privacy = Privacy notice
footer-staff = Staff area

accessibility-title = Accessibility statement
accessibility-intro = { $installation } is committed to making the “Application status” service ({ $url }) accessible, in accordance with Legislative Decree 106 of 10 August 2018, which transposed Directive (EU) 2016/2102. This statement applies to every public page of the service.
accessibility-status-title = Compliance status
accessibility-status = The service complies with the requirements of annex A of the UNI CEI EN 301549 standard, following AgID's guidelines on the accessibility of IT tools (WCAG 2.1 level AA). The pages work without JavaScript, with the keyboard alone, and on screens 320 pixels wide.
accessibility-prepared-title = Preparation of this statement
accessibility-prepared = This statement was prepared on { $date } by self-assessment: every version of the service is checked automatically with axe-core (WCAG 2.0, 2.1 and 2.2 criteria, levels A and AA) on every page at two screen widths, and tested with the keyboard alone.
accessibility-feedback-title = Feedback and contact
accessibility-feedback = To report an accessibility problem or ask for content in an accessible form, write to
accessibility-enforcement-title = Enforcement procedure
accessibility-enforcement = If the answer is unsatisfactory or does not arrive within 30 days, you may report it to the Digital Ombudsman at the Agency for Digital Italy (AgID), as provided by article 3-quinquies of Law 4 of 9 January 2004.

privacy-title = Privacy notice
privacy-controllers-title = Data controllers
privacy-controllers = Each administration is the controller of the data of the applications submitted to it, under Regulation (EU) 2016/679 (GDPR). These are their contacts:
privacy-processor-title = Data processor
privacy-processor = { $installation } runs the service on behalf of the administrations, as their data processor (GDPR article 28).
privacy-data-title = What data we process
privacy-data = To look up an application its code is enough: we ask for no personal data, and the public pages show no personal data of applicants. The IP address of visitors is used only to limit repeated searches, in memory and for a few minutes; the server's technical logs do not contain whole application codes.
privacy-retention = A concluded application can be looked up for { $days } days after it was closed; after that its code finds nothing.
privacy-alerts = If you ask for an application's e-mail alerts, we keep the address, the language you asked in and the log of the mails sent, only to send you that application's alerts; we delete them { $days } days after the application is closed, and send nothing more as soon as you stop the alerts. If you gave your codice fiscale when applying, to get the alerts in the IO app, we keep it the same way and only for that: before each alert we ask IO whether you turned the body's messages on, and we delete it with the addresses.
privacy-cookies-title = Cookies
privacy-cookies = We use only technical cookies, with no profiling and no third parties: the language you chose and, if you ask, the application codes to remember on this device. They stay on your device and need no consent.
privacy-basis-title = Purpose and legal basis
privacy-basis = The data is processed to inform about the status of administrative procedures, a task in the public interest of the administrations (GDPR article 6(1)(e); Law 241 of 7 August 1990).
privacy-rights-title = Your rights
privacy-rights = You may exercise the rights of GDPR articles 15 to 22 with the administration that is the controller, and lodge a complaint with the Italian Data Protection Authority (Garante per la protezione dei dati personali).

staff-contact = To get an account as a clerk or administrator of your body, write to the service centre:

mine-title = My applications
mine-intro = The applications remembered on this device. The list stays in your browser only: the server does not keep it.
mine-remove = Remove { $code }
mine-forget-all = Forget them all
mine-not-found = Not found or no longer available
mine-throttled = Too many searches from this connection: the list will be back in { $seconds ->
    [one] one second
   *[other] { $seconds } seconds
}.
remember-button = Remember on this device
remember-hint = The code stays in this browser only, so you can find the application again from the home page. No registration needed.
remember-done = This application is remembered on this device: you will find it on the home page.
remember-forget = Stop remembering it

signin-title = Staff area
signin-intro = Sign-in for the staff of the municipalities and unions who update the status of applications. Citizens need no account.
signin-username = Username
signin-password = Password
signin-submit = Sign in
signin-wrong = Wrong username or password.
signin-locked = Too many attempts, try again in { $minutes ->
    [one] 1 minute
   *[other] { $minutes } minutes
}.
signin-busy = Too many sign-in requests right now: try again in a few seconds.
account-title = Your account
account-role-province_admin = Service centre administrator
account-role-body_admin = Body administrator
account-role-clerk = Clerk
account-name = Name
account-username = Username
account-role = Role
account-sign-out = Sign out
account-sessions-title = Recent sign-ins
account-session-when = Signed in
account-session-where = Address
account-session-device = Browser
account-session-state = State
account-session-current = this sign-in
account-session-active = active
account-session-ended = ended
account-sign-out-everywhere = Sign out on every device
account-email-title = E-mail for technical notices
account-email-label = E-mail address
account-email-hint = Optional. We write to a body's admins here when a webhook is disabled. Leave it empty to get no notices.
account-email-submit = Save the address
account-email-saved = Address saved.
account-email-removed = Address removed: you will get no notices by e-mail.
account-email-invalid = That address is not valid: type a complete e-mail address, such as name@comune.it.
account-password-title = Change your password
account-password-current = Current password
account-password-new = New password
account-password-confirm = New password again
account-password-hint = 12 to 256 characters; spaces and any character allowed. Changing it ends the sign-ins on every other device.
account-password-submit = Change the password
account-password-changed = Password changed. The sign-ins on other devices were ended.
account-password-wrong-current = The current password is wrong.
account-password-too-short = The new password needs at least 12 characters.
account-password-too-long = The new password may have at most 256 characters.
account-password-mismatch = The two new passwords differ.
account-password-locked = Too many attempts with a wrong current password: try again in a few minutes.
account-password-busy = Too many requests right now: try again in a few seconds.

bo-nav-label = Staff area
bo-nav-cases = Applications
bo-nav-account = Account
dash-title = Applications of { $body }
dash-filters = Filters
dash-search = Search by code, protocol number or subject
dash-phase = Phase
dash-any = All
dash-type = Procedure
dash-due = Deadline
dash-due-past = Overdue
dash-due-week = Due within 7 days
dash-apply = Filter
dash-past-due = { $count ->
    [one] 1 application overdue
   *[other] { $count } applications overdue
}
dash-due-soon = { $count ->
    [one] 1 due within 7 days
   *[other] { $count } due within 7 days
}
dash-past-due-more = More than { $count } applications overdue
dash-due-soon-more = More than { $count } due within 7 days
dash-total = { $count ->
    [one] 1 application found
   *[other] { $count } applications found
}
dash-total-more = More than { $count } applications found
dash-col-code = Code
dash-col-subject = Subject
dash-col-reference = Protocol number
dash-col-type = Procedure
dash-col-phase = Phase
dash-col-due = Deadline
dash-empty = No application matches the filters.
dash-no-body = Your account belongs to no body: applications are seen with the account of a clerk or administrator of the body.
dash-previous = Previous page
dash-next = Next page
dash-page = Page { $page } of { $pages }
dash-page-open = Page { $page }
record-history = Full history
record-public-note = For the citizen
record-internal-note = Internal note
record-recorded = Recorded on { $when } by { $who }, through { $source }
record-source-backoffice = the web
record-source-api = the API
record-source-demo = demo data
record-system = the system
record-reference = Protocol number
record-public-page = Open the public page
record-not-found = No application of your body has this code.
record-reply-by = Reply by { $date }.
record-observations = Observations received on { $date }.
record-extension = Extension of { $days } days ({ $basis }).

reg-title = Register an application
reg-type = Procedure
reg-subject = Subject (public: no personal data)
reg-reference = Protocol number or internal reference
reg-submitted-on = Date of submission
reg-office = Office
reg-responsible = Person responsible for the procedure
reg-contact = Contact of the person responsible (e-mail, phone)
reg-submit = Register and prepare the receipt
reg-errors = Correct the fields shown.
reg-error-required = Required.
reg-error-too-long = Too long.
form-error-control-characters = Remove the control characters (invisible characters pasted from another program).
reg-error-type = Choose a procedure of your body.
reg-error-date = Give a valid date, not in the future.
reg-error-reference-taken = Another application of your body already has this reference.
receipt-title = Receipt of submission
receipt-intro = Keep this receipt: its code lets you follow the application.
receipt-follow = To follow the application open { $url } or scan the QR code.
receipt-qr = QR code of the application's page
receipt-print = To print it or save it as a PDF use the browser's print command.
receipt-link = Receipt
bo-nav-register = New application
case-correction = Correction
change-title = Record a status change
change-none-allowed = The procedure allows no further step from the current state; a correction is still possible.
change-correction-title = Correction (fixing the history)
change-correction-intro = The history is never edited: a mistake is fixed by a correction, which may set any state and is shown to the citizen as "Correction". The reason stays internal.
change-state = New state
change-reason = Reason for the correction
change-reason-hint = Required; seen by staff only.
change-public-note = Note for the citizen
change-public-note-hint = Shown on the public page: no names, tax codes, addresses, contacts or IBANs.
change-internal-note = Internal note
change-internal-note-hint = Seen by the body's staff only.
change-date = Date of the event
change-time = Time (optional)
change-time-hint = Without a time: now, if the date is today; otherwise 18:00 that day.
change-clock-fields = Effect on the deadline (only where they apply)
change-reply-by = Reply by
change-reply-by-hint = Only for a request for documents: the date by which the citizen must reply.
change-extension-days = Extension (days)
change-extension-hint = Only where the law allows extending the term; give its legal basis as well.
change-extension-basis = Legal basis of the extension
change-observations = Observations received on
change-observations-hint = After a notice of reasons against approval: the date the citizen's observations arrived.
change-preview = Preview the effect on the deadline
change-save = Save the status change
change-save-correction = Save the correction
change-personal-data = The note for the citizen seems to contain personal data ({ $kinds }). It is public: correct it, or confirm it may be published.
change-personal-data-confirm = I confirm: the note may appear on the public page.
change-pd-tax_code = a tax code
change-pd-email = an e-mail address
change-pd-phone = a phone number
change-pd-iban = an IBAN
change-conflict = Someone else updated this application while you were filling in the form: nothing was saved. Check the history below; if your change is still right, save it again.
change-preview-title = Preview (not saved yet)
change-preview-same = The deadline does not change: { $now }.
change-preview-moves = The deadline moves from { $before } to: { $now }.
change-warning-repeated-request = Note: this is a second request for documents. The term is suspended only once (Law 241/1990, art. 2(7)): this request does not suspend it.
change-saved = Status change saved: the citizen already sees it on the public page.
change-error-state = Choose one of the states offered.
change-error-transition = This state is not allowed after the state in effect on that date.
change-error-breaks-later = On that date this state would make the next recorded step invalid.
change-error-date = Give a valid date (YYYY-MM-DD).
change-error-time = Give a valid time (HH:MM).
change-error-future = The date and time cannot be in the future.
change-error-before-submission = The event cannot come before the application was submitted.
change-error-reply-by = Give a date not before the event.
change-error-reply-by-not-request = Only given with a request for documents.
change-error-extension = Give 1 to 180 days.
change-error-extension-basis = Give the legal basis of the extension.
change-error-observations = Give a date between the submission and the date of the event.
change-error-reason = Give the reason for the correction.
bo-nav-staff = Users
bo-nav-procedures = Procedures
bo-nav-body = Body
bo-nav-bodies = Bodies
bo-nav-audit = Audit log
admin-forbidden-title = Restricted
admin-forbidden = This page is for admins only.
admin-not-found = Not found.
admin-save = Save
admin-create = Create
admin-actions = Actions
admin-staff-title = The body's users
admin-staff-create = New user
admin-username = Username
admin-display-name = Full name
admin-role = Role
admin-role-clerk = Clerk
admin-role-body_admin = Body admin
admin-role-province_admin = Service centre admin
admin-status = Status
admin-status-active = Active
admin-status-disabled = Disabled
admin-disable = Disable
admin-enable = Enable
admin-new-password = New password
admin-set-password = Set the password
admin-initial-password = Initial password (at least 12 characters)
admin-body-title = The body's details
admin-body-contacts = Contacts and opening hours (public)
admin-contact-office = Contact office
admin-body-substitute = Substitute official
admin-body-substitute-hint = If none is named, the legal default applies: the body's highest-ranking official, with the general contacts.
admin-substitute-name = Name
admin-substitute-office = Role or office
admin-substitute-contact = Contacts
admin-body-calendar = Calendar
admin-patron-hint = The patron saint's day is not a working day: deadlines falling on it move. Format MM-DD (e.g. 06-24); empty if none.
admin-patron-day = Patron saint's day (MM-DD)
admin-procedures-title = Procedures
admin-procedure-create = New procedure
admin-procedure-create-hint = It starts with the standard states and transitions, to adapt.
admin-procedure-name = Name of the procedure
admin-term = Term (days)
admin-term-days = { $days } days
admin-legal-basis = Legal basis of the term
admin-term-hint = 1 to 180 days; above 90 only with its legal basis. If the law says nothing: 30. Changing the term recomputes the deadlines of this procedure's applications.
admin-states = Internal states
admin-states-hint = Each state maps onto a public phase: citizens see the phase and, if given, the body's text. Applications already recorded keep their history.
admin-state-add = Add a state
admin-state-name = Name of the state
admin-state-phase = Public phase
admin-state-text = Text for citizens (optional)
admin-transitions = Allowed transitions
admin-transitions-hint = Rows: the current state; columns: the next state. Corrections may always set any state.
admin-transition-from = From \ to
admin-transition-label = From { $from } to { $to }
admin-save-transitions = Save the transitions
admin-bodies-title = Bodies
admin-body-name = Name of the body
admin-body-slug = Short identifier (lower-case letters, digits and hyphens)
admin-body-kind = Kind of body
admin-kind-comune = Municipality (Comune)
admin-kind-unione_comuni = Union of municipalities
admin-body-create = New body
admin-body-admins = The body's admins
admin-body-admin-create = New body admin
admin-stat-open = Open applications
admin-stat-past-due = Past due
admin-stat-decided = Decisions in the last 12 months
admin-stat-median = Median days to a decision (12 months)
admin-median-days = { $days } days
admin-audit-title = Audit log
admin-audit-total = { $total } entries — page { $page } of { $pages }
admin-audit-when = When
admin-audit-who = Who
admin-audit-entity = Entity
admin-audit-action = Action
admin-audit-changes = Changes
admin-entity-case = Applications
admin-entity-user = Users
admin-entity-body = Bodies
admin-entity-procedure_type = Procedures
admin-error-username = 3 to 64 characters among lower-case letters, digits, dot, hyphen and underscore.
admin-error-username-taken = This username already exists.
admin-error-role = Choose a role.
admin-error-password-short = At least 12 characters.
admin-error-password-long = Password too long.
admin-error-email = Give a valid e-mail address.
admin-error-patron = Give a valid day as MM-DD.
admin-error-term = Give a term of 1 to 180 days.
admin-error-term-basis = A term above 90 days needs its legal basis.
admin-error-phase = Choose a public phase.
admin-error-transition = Invalid transition.
admin-error-slug = 2 to 60 characters among lower-case letters, digits and hyphens.
admin-error-slug-taken = Another body already uses this identifier.
admin-error-kind = Choose the kind of body.
admin-done-utente-creato = User created.
admin-done-non-se-stessi = You cannot disable your own account.
admin-done-utente-disattivato = User disabled: signed out everywhere.
admin-done-utente-riattivato = User enabled.
admin-done-password-impostata = Password set: the user's sessions were closed.
admin-done-ente-salvato = The body's details were saved.
admin-io-title = Messages in the IO app
admin-io-none = The IO app is not active for the body.
admin-io-set = Service key entered on { $date }.
admin-io-unchecked = Not checked yet.
admin-io-accepted = Checked on { $date }: IO accepts it.
admin-io-refused = Checked on { $date }: IO refuses it. Enter a valid key.
admin-io-hint = The API key of the body's service on IO (from the IO Back-office). It is kept encrypted and will not be shown again.
admin-io-key = IO service API key
admin-io-save = Save the key
admin-io-check = Check the key with IO
admin-io-remove = Remove the key
admin-io-unavailable = The service centre has not set up key encryption (PRATICHE_SECRETS_KEY): the IO app is not available.
admin-error-io-key = An IO key is 16–128 letters and digits (usually 32).
admin-done-io-chiave-salvata = IO key saved. Check it with IO.
admin-done-io-chiave-rimossa = IO key removed: the body no longer sends messages in the IO app.
admin-done-io-chiave-valida = IO accepts the key.
admin-done-io-chiave-rifiutata = IO refuses the key: enter a valid one.
admin-done-io-chiave-assente = No IO key to check.
admin-done-io-chiave-illeggibile = The stored key does not decrypt with the service centre's current key: enter it again.
admin-done-io-non-raggiungibile = IO did not answer: try again later.
admin-done-procedimento-creato = Procedure created.
admin-done-procedimento-salvato = Procedure saved.
admin-done-stato-aggiunto = State added.
admin-done-stato-salvato = State saved.
admin-done-passaggi-salvati = Transitions saved.
admin-done-ente-creato = Body created.
admin-done-amministratore-creato = Admin created.

# API clients (body admin)
bo-nav-api = API access
api-title = API access for the body's software
api-intro = The body's protocol register, SUAP/SUE desk or case manager registers pratiche and their states with an API client: an id and a secret.
api-docs-link = API documentation
api-none = No API clients.
api-name = Client name
api-client-id = Client id
api-secret = Client secret
api-created-at = Created
api-last-used = Last used
api-never-used = Never used
api-create = New API client
api-created-title = API client created
api-created-once = Copy the secret into the body's software now: it will not be shown again. If it is lost, disable the client and create another.
admin-done-client-disattivato = API client disabled: its requests are refused at once.
admin-done-client-riattivato = API client enabled again.

# E-mail alerts (case page, mails)
alerts-title = E-mail alerts
alerts-intro = We write to you when the application changes status, when the office asks you for something and when a deadline is near. No account needed.
alerts-email-label = E-mail address
alerts-submit = Alert me by e-mail
alerts-privacy = We use the address only for these alerts and delete it { $days } days after the application is closed. You can stop the alerts at any time from the link at the end of every mail.
alerts-sent = If the address can receive this application's alerts, we have written to it: open the link in the mail within 48 hours to confirm. We will write nothing else before you confirm.
alerts-invalid = The e-mail address does not look valid: check that you typed all of it, for example name@example.it.
alerts-confirm-title = Confirm the alerts
alerts-confirm-lead = Confirm that you want to receive this application's updates by e-mail.
alerts-confirm-button = Confirm
alerts-stop-title = Stop the alerts
alerts-stop-lead = You will receive no more mail about this application.
alerts-stop-button = Stop the alerts
alerts-outcome-title = E-mail alerts
alerts-confirmed = Done: we will write to you whenever the application moves.
alerts-stopped = Done: we will not write to you about this application any more.
alerts-link-invalid = The link is not valid or has expired (it lasts 48 hours). You can ask for a new confirmation mail from the application's page.
mail-confirm-subject = Confirm the alerts for application { $code }
mail-confirm-asked = Someone asked for the updates of application { $code } ({ $subject }, { $body }) to be sent to this address.
mail-confirm-action = Yes, send me the alerts
mail-confirm-validity = The link lasts 48 hours.
mail-confirm-ignore = If it was not you, ignore this mail: we will write nothing else.
mail-update-subject = Application { $code }: { $phase }
mail-update-now = Application { $code } ({ $subject }, { $body }) is now: { $phase }.
mail-update-happened = What happened
mail-update-see = See the application
mail-reply-by = reply by { $date }
mail-extension = term extended by { $days } days
mail-stop = No longer want these alerts? Stop them here

mail-webhook-subject = Webhook disabled: { $url }
mail-webhook-disabled = The endpoint { $url } of { $body } was disabled on { $when }: changes to pratiche are no longer sent to it.
mail-webhook-failing = Why: it has accepted no delivery for three days (error answers, no answer, or a redirect).
mail-webhook-gone = Why: it answered 410 Gone, asking to receive nothing more.
mail-webhook-next = When your system is ready again, enable the endpoint on its page and, if needed, resend the failed deliveries; meanwhile your system can catch up on every change from the GET /api/v1/changes feed.
mail-webhook-see = Open the endpoint's page
io-continued = The message goes on on the pratica's page.
io-reference = Message reference: { $reference }
alerts-feed-title = Follow the application
alerts-feed = Updates as an Atom feed
alerts-feed-hint = for a feed reader: the application's public history, without giving an address.
record-messages = Messages to the citizen
record-messages-none = No messages: nobody asked to be told about this application.
admin-failed-messages = Undelivered messages
admin-failed-messages-hint = The e-mail messages that could not be delivered after every try, newest first.
admin-failed-messages-none = No undelivered messages.
message-col-code = Application
message-col-kind = Message
message-col-recipient = Recipient
message-col-when = When
message-col-status = Status
message-col-attempts = Tries
message-col-error = Last error
message-kind-confirmation = Address confirmation
message-kind-update = Update
message-status-pending = Queued
message-status-sent = Sent
message-status-failed = Undelivered
message-status-merged = Merged into the next
message-status-dropped = Cancelled
reg-alerts = E-mail alerts to the applicant
reg-alerts-hint = Optional. If the applicant asks, we write to them whenever the application moves: at once a mail with the code and the link, then the updates.
reg-applicant-email = Applicant's e-mail
reg-email-consent = The applicant agrees to receive the alerts at this address
reg-io-hint = The body also sends updates in the IO app: with the applicant's codice fiscale, they get them there if they turned the body's messages on in the app.
reg-applicant-fiscal-code = Applicant's codice fiscale (for the IO app)
reg-error-fiscal-code = This is not a valid codice fiscale: check the 16 characters.
reg-error-io-off = The body has not set up the IO app yet: an administrator must enter the service key.
reg-applicant-language = Language of the mails
reg-error-consent = The applicant's consent is needed to write to this address.
mail-welcome-subject = Application { $code } registered: here is the code
mail-welcome-registered = Your application ({ $subject }, { $body }) has been registered with the code { $code }.
mail-welcome-keep = Keep the code: with it you can see the application's status at any time, and we will write to you whenever it moves.
mail-reminder-subject = Reminder: application { $code }, reply by { $date }
mail-reminder-lead = Reminder: for application { $code } ({ $subject }) the office is waiting for the documents it asked for by { $date }.
mail-overdue-subject = Application { $code }: the term to conclude has passed
message-kind-welcome = Code and link
message-kind-reminder = Reminder
message-kind-overdue = Term passed
admin-state-notify = Tell subscribed citizens when an application enters this state
webhook-title = Webhooks
webhook-intro = The body's software can hear of every change at once: each delivery is signed the Standard Webhooks way (headers webhook-id, webhook-timestamp, webhook-signature) with the endpoint's secret.
webhook-unavailable = The service centre has not set up secret encryption (PRATICHE_SECRETS_KEY): webhooks are not available.
webhook-notices = When an endpoint is disabled because it does not answer, we write to the body's admins who have an e-mail address in their account ({ $count }).
webhook-notices-nobody = When an endpoint is disabled because it does not answer, we write to the body's admins who have an e-mail address in their account: none has given one yet.
webhook-admins-told = admins told on { $when }
webhook-none = No endpoint.
webhook-url = Address (https URL)
webhook-description = Description
webhook-events = Events
webhook-create = New endpoint
webhook-secret-title = Signing secret
webhook-secret-once = The secret for { $url }: copy it now, it will not be shown again.
webhook-failing = active, deliveries failing since { $since }
webhook-send-test = Send a test event
webhook-rotate = New secret
webhook-deliveries-title = Webhook deliveries
webhook-created = Created
webhook-type = Type
webhook-attempts = Tries
webhook-answer = Answer
webhook-error = Error
webhook-resend = Resend
webhook-resend-failed = Resend the failed deliveries
webhook-from = From
webhook-to = To (included)
webhook-status-pending = pending
webhook-status-sent = delivered
webhook-status-failed = failed
webhook-error-url = A full https address is needed, without a user name or #.
webhook-error-events = Choose at least one event type.
webhook-error-unreachable = The address does not answer (unknown name or no connection).
webhook-error-private = The address leads to a private or local network: not allowed.
webhook-error-days = Give two days, the first not after the second.
admin-done-webhook-disattivato = Endpoint disabled.
admin-done-webhook-riattivato = Endpoint enabled again.
admin-done-webhook-prova = Test event queued: it shows below in a few seconds.
admin-done-webhook-reinvio = Deliveries queued again.
webhook-error-event-unknown = Unknown event type.
