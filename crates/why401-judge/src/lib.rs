//! Judging each 401: the evidence an exchange holds ([`evidence`]) and the decision over a
//! source's exchanges in order ([`diagnose`]), with remediation.

pub mod diagnose;
pub mod evidence;
