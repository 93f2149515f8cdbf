//! The one truncation rule for every table and line: text that does not fit is cut to the
//! width and ends in "…". Both functions read at most `width` + 1 graphemes, so a cell holding
//! megabytes costs no more than one holding a word (ratatui would measure all of it).

use std::borrow::Cow;

use ratatui::text::{Line, Span};
use unicode_truncate::UnicodeTruncateStr;

/// The mark at the end of cut text.
pub const ELLIPSIS: &str = "…";

/// Printable ASCII: one cell per byte, so its width needs no grapheme walk (most cells of
/// every frame are such text: ids, states, times, durations).
fn plain_ascii(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| (0x20..0x7f).contains(b))
}

/// `text` in at most `width` cells: whole when it fits, else cut and ending in "…".
pub fn ellipsize(text: &str, width: usize) -> Cow<'_, str> {
    // No character takes more cells than its UTF-8 bytes: short text fits as it is.
    if text.len() <= width {
        return Cow::Borrowed(text);
    }
    let (head, _) = text.unicode_truncate(width);
    if head.len() == text.len() {
        return Cow::Borrowed(text);
    }
    if width == 0 {
        return Cow::Borrowed("");
    }
    let (head, _) = text.unicode_truncate(width - 1);
    Cow::Owned(format!("{head}{ELLIPSIS}"))
}

/// Like `ellipsize`, but a `LIFE/RESULT` state keeps its result whole and cuts the life-cycle
/// word instead ("TERMIN…/FAILED"): the result is the point (and all NO_COLOR users have).
pub fn ellipsize_keeping_result(text: &str, width: usize) -> Cow<'_, str> {
    let Some((life, result)) = text.rsplit_once('/') else { return ellipsize(text, width) };
    // The result and at least two cells of the life-cycle word ("T…/FAILED"), or the usual cut.
    let tail = width_upto(result, width) + 1;
    if width_upto(text, width + 1) <= width || tail + 2 > width {
        return ellipsize(text, width);
    }
    Cow::Owned(format!("{}/{result}", ellipsize(life, width - tail)))
}

/// The display width of `text`, counted no further than `cap` (enough to size a column).
pub fn width_upto(text: &str, cap: usize) -> usize {
    // Only the bytes up to the cap are looked at: past it the width is the cap anyway.
    let probe = &text.as_bytes()[..text.len().min(cap.saturating_add(1))];
    if plain_ascii(probe) {
        return probe.len().min(cap);
    }
    let (head, width) = text.unicode_truncate(cap);
    if head.len() == text.len() { width } else { cap }
}

/// A line of spans in at most `width` cells: the span that reaches the edge is cut with "…"
/// and the rest dropped, so the start of the line (the point) always shows.
pub fn fit_line(spans: Vec<Span<'_>>, width: usize) -> Line<'_> {
    let mut room = width;
    let mut out = Vec::with_capacity(spans.len());
    for span in spans {
        let w = width_upto(&span.content, room + 1);
        if w <= room {
            room -= w;
            out.push(span);
            continue;
        }
        let cut = ellipsize(&span.content, room).into_owned();
        out.push(Span::styled(cut, span.style));
        break;
    }
    Line::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_keeps_its_start_and_ends_in_an_ellipsis() {
        let line =
            fit_line(vec![Span::raw("✗ adb-dev: "), Span::raw("403 Forbidden: no"), Span::raw(" more")], 20);
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "✗ adb-dev: 403 Forb…");
        let short = fit_line(vec![Span::raw("ok")], 20);
        assert_eq!(short.spans.len(), 1);
    }

    #[test]
    fn cut_text_ends_in_an_ellipsis_and_fits() {
        assert_eq!(ellipsize("nightly-etl", 20), "nightly-etl");
        assert_eq!(ellipsize("nightly-etl", 11), "nightly-etl");
        assert_eq!(ellipsize("nightly-etl", 8), "nightly…");
        assert_eq!(ellipsize("nightly-etl", 1), "…");
        assert_eq!(ellipsize("nightly-etl", 0), "");
        // Wide characters are never split.
        assert_eq!(ellipsize("数据平台工作区", 6), "数据…");
    }

    #[test]
    fn a_cut_state_keeps_its_result() {
        assert_eq!(ellipsize_keeping_result("TERMINATED/FAILED", 17), "TERMINATED/FAILED");
        assert_eq!(ellipsize_keeping_result("TERMINATED/FAILED", 14), "TERMIN…/FAILED");
        assert_eq!(ellipsize_keeping_result("TERMINATED/FAILED", 9), "T…/FAILED");
        assert_eq!(ellipsize_keeping_result("TERMINATED/FAILED", 8), "TERMINA…");
        assert_eq!(ellipsize_keeping_result("RUNNING", 5), "RUNN…");
    }

    #[test]
    fn widths_stop_counting_at_the_cap() {
        assert_eq!(width_upto("abc", 10), 3);
        assert_eq!(width_upto("数据", 10), 4);
        let huge = "x".repeat(10_000_000);
        assert_eq!(width_upto(&huge, 40), 40);
        assert_eq!(width_upto(&format!("{huge}数据"), 40), 40);
        assert_eq!(width_upto("ab数据", 4), 4);
        assert_eq!(width_upto("ab数据", 10), 6);
        assert_eq!(ellipsize(&huge, 5), "xxxx…");
    }
}
