//! Reader stub: replaced by the real reader.

use std::io::BufRead;

use super::{Fatal, Sink};

pub fn read(_input: &mut dyn BufRead, _sink: &mut Sink) -> Result<(), Fatal> {
    Ok(())
}
