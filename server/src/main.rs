use std::process::ExitCode;

use pratiche_server::config::Settings;
use pratiche_server::startup::Application;
use pratiche_server::telemetry;

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
