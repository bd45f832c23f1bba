use std::path::Path;
use std::process::ExitCode;

use pratiche_db::accounts::{self, NewUser};
use pratiche_db::audit::{self, Actor, AuditSource, Change, Entry};
use pratiche_db::backup;
use pratiche_db::clock::today_in_rome;
use pratiche_domain::account::{NewPassword, Role, Username};
use pratiche_server::auth::passwords::Passwords;
use pratiche_server::config::Settings;
use pratiche_server::startup::{Application, open_database};
use pratiche_server::telemetry;

/// Rendering a page makes many short-lived small allocations; mimalloc
/// serves them with far less time in the allocator than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: pratiche-server [recompute-due-dates | create-admin USERNAME [DISPLAY NAME] | reminders [YYYY-MM-DD] | backup PATH | restore PATH | generate-load COUNT [SEED]]
  (no command)          serve Pratiche
  recompute-due-dates   recompute every pratica's due date, e.g. after a change
                        of holidays or rules, and report how many changed
  create-admin          create a province admin (the service centre); the
                        password comes from PRATICHE_ADMIN_PASSWORD or the
                        first line of standard input, never from an argument
  reminders             queue the reminders due today (or on the day given, to
                        catch up): every instance does it every few minutes;
                        the running servers send them
  backup PATH           write a consistent copy of the embedded (SQLite)
                        database to PATH, which must not exist, while the
                        server runs (PostgreSQL: pg_dump, docs/deploy.md)
  restore PATH          check the backup PATH and put it in place as the data
                        folder's database, which must not exist yet (stop the
                        server and move the old file aside first)
  generate-load         for benchmarks only: add COUNT synthetic pratiche with
                        histories to the existing procedure types";

/// Pratiche recomputed per transaction by `recompute-due-dates`.
const RECOMPUTE_BATCH: u64 = 500;

#[tokio::main]
async fn main() -> ExitCode {
    match telemetry::LogFormat::from_env() {
        Ok(format) => telemetry::init(format),
        Err(problem) => {
            eprintln!("{problem}");
            return ExitCode::from(2);
        }
    }
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            tracing::error!("configuration: {error}");
            return ExitCode::FAILURE;
        }
    };
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    match arguments.first().map(String::as_str) {
        None => serve(settings).await,
        Some("recompute-due-dates") => recompute_due_dates(settings).await,
        Some("create-admin") if arguments.len() >= 2 => {
            let display_name = arguments.get(2).unwrap_or(&arguments[1]);
            create_admin(settings, &arguments[1], display_name).await
        }
        Some("reminders") => match arguments.get(1).map(|day| day.parse()) {
            None => queue_reminders(settings, today_in_rome()).await,
            Some(Ok(day)) => queue_reminders(settings, day).await,
            Some(Err(_)) => {
                eprintln!("{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("backup") if arguments.len() == 2 => backup(settings, &arguments[1]).await,
        Some("restore") if arguments.len() == 2 => restore(settings, &arguments[1]).await,
        Some("generate-load") => match arguments.get(1).and_then(|count| count.parse().ok()) {
            Some(count) => {
                let seed = arguments
                    .get(2)
                    .and_then(|seed| seed.parse().ok())
                    .unwrap_or(1);
                generate_load(settings, count, seed).await
            }
            None => {
                eprintln!("{USAGE}");
                ExitCode::from(2)
            }
        },
        Some(_) => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

async fn serve(settings: Settings) -> ExitCode {
    let app = match Application::build(&settings).await {
        Ok(app) => app,
        Err(error) => {
            tracing::error!("start-up failed: {error}");
            return ExitCode::FAILURE;
        }
    };
    match app.local_addr() {
        Ok(address) => tracing::info!("listening on http://{address}"),
        Err(error) => tracing::warn!("cannot read the bound address: {error}"),
    }
    match app.metrics_addr() {
        Some(Ok(address)) => tracing::info!("metrics listening on http://{address}/metrics"),
        Some(Err(error)) => tracing::warn!("cannot read the metrics address: {error}"),
        None => {}
    }
    tracing::info!("Pratiche is ready: open {}/", settings.public_url);
    if settings.demo {
        let [first, second] = pratiche_db::demo::SHOWCASE_CODES;
        tracing::info!("demo mode: try the codes {first} and {second}");
        let accounts: Vec<&str> = pratiche_db::demo::DEMO_USERS
            .iter()
            .map(|(username, ..)| *username)
            .collect();
        tracing::info!(
            "demo mode: staff area at {}/area-riservata, accounts {} with password {}",
            settings.public_url,
            accounts.join(", "),
            pratiche_db::demo::DEMO_PASSWORD
        );
    }
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("server error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn backup(settings: Settings, path: &str) -> ExitCode {
    let result = match open_database(&settings).await {
        Ok(db) => backup::take(&db, Path::new(path))
            .await
            .map_err(|error| error.to_string()),
        Err(error) => Err(error.to_string()),
    };
    report_copy("backup", path, result)
}

async fn restore(settings: Settings, path: &str) -> ExitCode {
    let Some(database) = settings.database.sqlite_file() else {
        return report_copy(
            "restore",
            path,
            Err(backup::BackupError::NotSqlite.to_string()),
        );
    };
    if let Err(error) = std::fs::create_dir_all(&settings.database.data_dir) {
        return report_copy("restore", path, Err(error.to_string()));
    }
    let result = backup::restore(Path::new(path), &database)
        .await
        .map_err(|error| error.to_string());
    report_copy("restore", path, result)
}

/// Says what a backup or a restore did.
fn report_copy(what: &str, path: &str, result: Result<backup::Copied, String>) -> ExitCode {
    match result {
        Ok(copied) => {
            println!(
                "{what} {path}: {} pratiche, {} bytes",
                copied.pratiche, copied.bytes
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!("{what} failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn queue_reminders(settings: Settings, day: chrono::NaiveDate) -> ExitCode {
    let result = match open_database(&settings).await {
        Ok(db) => pratiche_db::notifications::queue_reminders(&db, day, chrono::Utc::now())
            .await
            .map_err(|error| error.to_string()),
        Err(error) => Err(error.to_string()),
    };
    match result {
        Ok(due) => {
            println!("reminders for {day}: {due} due (each queued once)");
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!("reminders failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn recompute_due_dates(settings: Settings) -> ExitCode {
    let result = match open_database(&settings).await {
        Ok(db) => pratiche_db::clock::recompute_all(&db, RECOMPUTE_BATCH)
            .await
            .map_err(|error| error.to_string()),
        Err(error) => Err(error.to_string()),
    };
    match result {
        Ok(report) => {
            println!(
                "due dates recomputed: {} pratiche examined, {} changed",
                report.examined, report.changed
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!("recompute failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn generate_load(settings: Settings, count: u64, seed: u64) -> ExitCode {
    let started = std::time::Instant::now();
    let today = pratiche_db::clock::today_in_rome();
    let result = match open_database(&settings).await {
        Ok(db) => {
            pratiche_db::load::generate(&db, count, pratiche_db::load::HISTORIES, seed, today)
                .await
                .map_err(|error| error.to_string())
        }
        Err(error) => Err(error.to_string()),
    };
    match result {
        Ok(events) => {
            println!(
                "{count} pratiche with {events} events written in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!("generate-load failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn create_admin(settings: Settings, username: &str, display_name: &str) -> ExitCode {
    let username = match Username::parse(username) {
        Ok(username) => username,
        Err(error) => {
            eprintln!("the username is not acceptable: {error}");
            return ExitCode::FAILURE;
        }
    };
    let typed = match std::env::var("PRATICHE_ADMIN_PASSWORD") {
        Ok(password) => password,
        Err(_) => {
            let mut line = String::new();
            if std::io::stdin().read_line(&mut line).is_err() {
                eprintln!("cannot read the password from standard input");
                return ExitCode::FAILURE;
            }
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let password = match NewPassword::parse(&typed) {
        Ok(password) => password,
        Err(error) => {
            eprintln!("the password is not acceptable: {error}");
            return ExitCode::FAILURE;
        }
    };
    let db = match open_database(&settings).await {
        Ok(db) => db,
        Err(error) => {
            tracing::error!("{error}");
            return ExitCode::FAILURE;
        }
    };
    // Real accounts never go beside the demo ones.
    match accounts::has_users(&db, true).await {
        Ok(false) => {}
        Ok(true) => {
            eprintln!(
                "this database holds demo data: create real accounts in a database of their own"
            );
            return ExitCode::FAILURE;
        }
        Err(error) => {
            tracing::error!("{error}");
            return ExitCode::FAILURE;
        }
    }
    let new = NewUser {
        username: username.clone(),
        display_name: display_name.to_owned(),
        role: Role::ProvinceAdmin,
        body_id: None,
        password_hash: Passwords::new().hash(&password).await,
        demo: false,
    };
    match create_audited_admin(&db, new).await {
        Ok(user) => {
            println!("province admin {} created", user.username);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cannot create the account (does {username} exist already?): {error}");
            ExitCode::FAILURE
        }
    }
}

/// Creates the account with its audit entry, in one transaction.
async fn create_audited_admin(
    db: &pratiche_db::DatabaseConnection,
    new: NewUser,
) -> Result<pratiche_db::entity::user::Model, pratiche_db::DbErr> {
    let now = chrono::Utc::now();
    let txn = pratiche_db::begin_write(db).await?;
    let user = accounts::create_user(&txn, new, now).await?;
    let actor = Actor {
        user_id: None,
        name: "create-admin".into(),
        source: AuditSource::Command,
        client_address: None,
    };
    let entry = Entry {
        body_id: None,
        entity: "user",
        entity_id: user.username.clone(),
        action: "create",
        changes: vec![
            Change::set("display_name", user.display_name.clone()),
            Change::set("role", user.role.as_str()),
        ],
    };
    audit::record(&txn, &actor, entry, now).await?;
    txn.commit().await?;
    Ok(user)
}
