use std::process::ExitCode;

use pratiche_server::config::Settings;
use pratiche_server::startup::{Application, open_database};
use pratiche_server::telemetry;

const USAGE: &str = "usage: pratiche-server [recompute-due-dates]
  (no command)          serve Pratiche
  recompute-due-dates   recompute every pratica's due date, e.g. after a change
                        of holidays or rules, and report how many changed";

/// Pratiche recomputed per transaction by `recompute-due-dates`.
const RECOMPUTE_BATCH: u64 = 500;

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            tracing::error!("configuration: {error}");
            return ExitCode::FAILURE;
        }
    };
    let command = std::env::args().nth(1);
    match command.as_deref() {
        None => serve(settings).await,
        Some("recompute-due-dates") => recompute_due_dates(settings).await,
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
    tracing::info!("Pratiche is ready: open {}/", settings.public_url);
    if settings.demo {
        let [first, second] = pratiche_db::demo::SHOWCASE_CODES;
        tracing::info!("demo mode: try the codes {first} and {second}");
    }
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("server error: {error}");
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
