//! The data model every stage of why401 shares, and nothing else of ours: HTTP exchanges as
//! the readers produce them, findings as the judge produces them, what is known of each input,
//! URLs, time, and the tables of knowledge more than one stage reads (provider messages,
//! detail codes, secret parameter names).

pub mod advice;
pub mod details;
pub mod exchange;
pub mod finding;
pub mod input;
pub mod providers;
pub mod secret_names;
pub mod setting;
pub mod time;
pub mod url;
