//! Cells and magics, as notebooks and VS Code's interactive window have them: a line starting
//! `# %%` (`-- %%` in SQL, `// %%` in Scala; Databricks' exported `# COMMAND ----------` too)
//! starts a cell; `%%sql`, `%%pyspark`, `%%spark` / `%%scala`, `%%sparkr` / `%%r` (or with one
//! `%`, as Databricks writes them) on a cell's first line pick its language. Pure functions of
//! the text.

use crate::domain::statement::Language;

/// A cell: its marker line (none for the text before the first marker) and its code's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeCell {
    pub marker: Option<usize>,
    /// The first row of its code (after the marker).
    pub start: usize,
    /// One past its last row.
    pub end: usize,
}

impl CodeCell {
    /// Its code: the rows after the marker.
    pub fn code(&self, lines: &[String]) -> String {
        lines[self.start.min(lines.len())..self.end.min(lines.len())].join("\n")
    }

    /// A `# %% [markdown]` cell holds notes, not code: running all cells skips it.
    pub fn is_markdown(&self, lines: &[String]) -> bool {
        self.marker.and_then(|m| lines.get(m)).is_some_and(|l| l.to_ascii_lowercase().contains("[markdown]"))
    }

    pub fn contains(&self, row: usize) -> bool {
        self.marker.unwrap_or(self.start) <= row && row < self.end
    }
}

/// Whether `line` starts a cell.
pub fn is_marker(line: &str) -> bool {
    let t = line.trim_start();
    ["#", "--", "//"].iter().any(|c| {
        t.strip_prefix(c).is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.starts_with("%%") || rest.starts_with("COMMAND ----------")
        })
    })
}

/// The cells of `lines`, in order. Text without markers is one cell; text before the first
/// marker is a cell of its own only when it holds something.
pub fn cells(lines: &[String]) -> Vec<CodeCell> {
    let mut out = Vec::new();
    let mut current = CodeCell { marker: None, start: 0, end: 0 };
    for (row, line) in lines.iter().enumerate() {
        if is_marker(line) {
            current.end = row;
            let blank_head = current.marker.is_none() && lines[..row].iter().all(|l| l.trim().is_empty());
            if !blank_head {
                out.push(current);
            }
            current = CodeCell { marker: Some(row), start: row + 1, end: row + 1 };
        }
    }
    current.end = lines.len();
    out.push(current);
    out
}

/// The cell holding `row`.
pub fn cell_at(lines: &[String], row: usize) -> CodeCell {
    let all = cells(lines);
    all.iter().copied().find(|c| c.contains(row)).or(all.last().copied()).unwrap_or(CodeCell {
        marker: None,
        start: 0,
        end: lines.len(),
    })
}

/// A magic on the code's first non-blank line: its language and the code without that line.
/// Code without one (or with a magic that picks no language, like `%%configure`) is as it was.
pub fn magic(code: &str) -> (Option<Language>, &str) {
    let body = code.trim_start_matches(['\n', '\r']);
    let (first, rest) = body.split_once('\n').unwrap_or((body, ""));
    let word = first.trim();
    let Some(name) = word.strip_prefix("%%").or_else(|| word.strip_prefix('%')) else {
        return (None, code);
    };
    let language = match name.to_ascii_lowercase().as_str() {
        "sql" => Language::Sql,
        "pyspark" | "python" => Language::PySpark,
        "spark" | "scala" => Language::Scala,
        "sparkr" | "r" => Language::R,
        _ => return (None, code),
    };
    (Some(language), rest)
}

/// How a line is commented out in `language`.
pub fn comment_prefix(language: Language) -> &'static str {
    match language {
        Language::PySpark | Language::R => "#",
        Language::Scala => "//",
        Language::Sql => "--",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn markers_split_cells_and_the_cursor_picks_one() {
        let text = lines("import x\n# %% load\ndf = 1\n\n-- %%\nSELECT 1\n# COMMAND ----------\nprint(2)");
        let all = cells(&text);
        let codes: Vec<String> = all.iter().map(|c| c.code(&text)).collect();
        assert_eq!(codes, ["import x", "df = 1\n", "SELECT 1", "print(2)"]);
        assert_eq!(cell_at(&text, 1).code(&text), "df = 1\n", "the marker row belongs to its cell");
        assert_eq!(cell_at(&text, 5).code(&text), "SELECT 1");
        // No markers: one cell, the whole text; a blank head before the first marker is no cell.
        assert_eq!(cells(&lines("a\nb")).len(), 1);
        assert_eq!(cells(&lines("\n# %%\na")).len(), 1);
        assert!(!is_marker("x = '# %%'") && is_marker("  #%% [markdown]"));
        assert!(cells(&lines("# %% [markdown]\nnotes"))[0].is_markdown(&lines("# %% [markdown]\nnotes")));
    }

    #[test]
    fn magics_pick_the_language_and_leave_the_code() {
        assert_eq!(magic("%%sql\nSELECT 1"), (Some(Language::Sql), "SELECT 1"));
        assert_eq!(magic("\n%scala\nval x = 1"), (Some(Language::Scala), "val x = 1"));
        assert_eq!(magic("%%sparkr\nx <- 1"), (Some(Language::R), "x <- 1"));
        assert_eq!(magic("%python"), (Some(Language::PySpark), ""));
        assert_eq!(magic("%%configure\n{}"), (None, "%%configure\n{}"));
        assert_eq!(magic("x % 2"), (None, "x % 2"));
    }
}
