//! One module per citizen page.

pub mod about;
pub mod admin;
pub mod alerts;
pub mod backoffice;
pub mod case;
pub mod home;
pub mod lookup;
pub mod mine;
pub mod not_found;
pub mod registration;
pub mod sent_messages;
pub mod staff;
pub mod status_change;
pub mod transparency;
