//! The key that signs session tokens. From `PRATICHE_SIGNING_KEY` when set;
//! on SQLite without it, generated once into the data folder; on PostgreSQL
//! (several instances share one database) the server refuses to start
//! without one.

use std::io::Write;
use std::path::Path;

use crate::config::Settings;

/// Fewest bytes in a signing key.
const MIN_KEY_BYTES: usize = 32;
const KEY_FILE: &str = "signing-key";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("PRATICHE_SIGNING_KEY must be at least {MIN_KEY_BYTES} bytes")]
    TooShort,
    #[error("PRATICHE_SIGNING_KEY is required with PostgreSQL, so every instance signs alike")]
    Required,
    #[error("cannot read or write the signing key {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

/// The secret bytes; their `Debug` hides them.
#[derive(Clone)]
pub struct SigningKey(pub Vec<u8>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(…)")
    }
}

pub fn load(settings: &Settings) -> Result<SigningKey, KeyError> {
    if let Some(configured) = &settings.signing_key {
        return if configured.0.len() < MIN_KEY_BYTES {
            Err(KeyError::TooShort)
        } else {
            Ok(configured.clone())
        };
    }
    if !settings.database.url.starts_with("sqlite:") {
        return Err(KeyError::Required);
    }
    load_or_create(&settings.database.data_dir.join(KEY_FILE))
}

fn load_or_create(path: &Path) -> Result<SigningKey, KeyError> {
    let error = |source| KeyError::File {
        path: path.display().to_string(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(existing) if existing.trim().len() >= MIN_KEY_BYTES => {
            return Ok(SigningKey(existing.trim().as_bytes().to_vec()));
        }
        Ok(_) => return Err(KeyError::TooShort),
        Err(not_found) if not_found.kind() == std::io::ErrorKind::NotFound => {}
        Err(other) => return Err(error(other)),
    }
    let key: String = (0..2)
        .map(|_| format!("{:032x}", rand::random::<u128>()))
        .collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(error)?;
    file.write_all(key.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(error)?;
    tracing::info!("generated a session signing key in {}", path.display());
    Ok(SigningKey(key.into_bytes()))
}
