//! Back-office authentication: signing keys, session tokens, password
//! hashing, device cookies, the session middleware and the sign-in/out
//! handlers.

pub mod devices;
pub mod handlers;
pub mod keys;
pub mod passwords;
pub mod session;
pub mod tokens;
