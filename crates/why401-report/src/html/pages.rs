//! Findings past the first page: written as they come, each one's HTML as a string in JSON
//! blocks of a page each, which the page's script turns into elements a page at a time. The
//! browser then builds the elements of one page, not of ten thousand findings, and the
//! strings are the same escaped HTML the first page holds.

use std::io::{self, Write};

use super::escape::json_for_script;

/// Findings per page: the first page is plain HTML (read without JavaScript).
pub const PAGE: usize = 500;

#[derive(Default)]
pub struct Pages {
    /// Findings in the block being written.
    open: usize,
    total: usize,
}

impl Pages {
    pub fn add(&mut self, out: &mut dyn Write, html: String) -> io::Result<()> {
        if self.open == 0 {
            write!(out, "<script type=\"application/json\" class=\"page\">[")?;
        } else {
            write!(out, ",")?;
        }
        write!(out, "{}", json_for_script(&serde_json::Value::String(html)))?;
        self.open += 1;
        self.total += 1;
        if self.open == PAGE {
            writeln!(out, "]</script>")?;
            self.open = 0;
        }
        Ok(())
    }

    /// Ends the last block, and offers the next page (a button the script shows).
    pub fn close(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.open > 0 {
            writeln!(out, "]</script>")?;
            self.open = 0;
        }
        if self.total == 0 {
            return Ok(());
        }
        writeln!(
            out,
            "<p id=\"more-findings\" hidden><button type=\"button\" id=\"next-page\">Show the next \
             {PAGE} findings</button> <span class=\"dim\">({} more in this page)</span></p>\
             <noscript><p>{} more finding(s) are in this page; they show with JavaScript.</p></noscript>",
            self.total, self.total
        )
    }
}
