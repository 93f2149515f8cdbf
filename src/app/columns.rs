//! Which columns each pane shows, in what order (`:columns`, `[columns]` in the config), the
//! letter that sorts by each (shift + letter, shown in the header), and the `:columns` picker.

use super::App;
use super::keymap::Command;
use super::msg::Effect;
use super::pane::{Pane, SortKey};
use crate::domain::{Column, columns};

/// Upper-case keys the panes already use, or that are kept for other features (marks: N, V,
/// Y; the Jobs pane: C): no column letter may be one of them.
pub const RESERVED: &[char] = &['K', 'E', 'R', 'D', 'S', 'G', 'N', 'V', 'Y', 'C'];

/// The letter (upper case) that sorts `pane` by `column`: a letter of its title where one is
/// free; the few columns whose every letter is taken use `X`. Unique within each pane.
pub fn letter(pane: Pane, column: Column) -> char {
    match column {
        Column::Workspace => 'P',
        Column::Name if pane == Pane::Runs => 'J',
        Column::Name => 'M',
        Column::Id => 'I',
        Column::State => 'T',
        Column::Owner => 'O',
        Column::Started => 'A',
        Column::Duration => 'U',
        Column::Flags => 'F',
        Column::IdleIn | Column::File | Column::Result => 'L',
        Column::Lakehouse => 'H',
        Column::Workers => 'W',
        Column::Runtime | Column::Trigger | Column::Kind => 'X',
        // The Jobs pane's own: U and H are free there; every letter of DURATIONS is taken.
        Column::Runs => 'U',
        Column::Durations => 'X',
        Column::Schedule => 'H',
    }
}

/// The columns `pane` can show, in their default order.
pub fn available(pane: Pane) -> &'static [Column] {
    columns::columns_of(pane.kind())
}

/// The column of `pane` sorted by shift + `c`.
pub fn by_letter(pane: Pane, c: char) -> Option<Column> {
    available(pane).iter().copied().find(|col| letter(pane, *col) == c)
}

/// Help's line of `pane`'s sort letters: "Sort by shift + letter (again: reverse): P workspace …".
pub fn sort_letters(pane: Pane) -> String {
    let each: Vec<String> =
        available(pane).iter().map(|c| format!("{} {}", letter(pane, *c), c.name())).collect();
    format!("Sort by shift + letter (again: reverse): {}", each.join("  "))
}

/// The `:columns` picker: every column of a pane, shown ones ticked, in the order they show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnPicker {
    pub pane: Pane,
    /// Each column and whether it is shown.
    pub items: Vec<(Column, bool)>,
    pub selected: usize,
    /// Why Enter did not save (nothing ticked).
    pub error: Option<String>,
}

impl ColumnPicker {
    /// Shown columns first, in their order, then the hidden ones in their default order.
    fn new(pane: Pane, shown: &[Column]) -> ColumnPicker {
        let mut items: Vec<(Column, bool)> = shown.iter().map(|c| (*c, true)).collect();
        items.extend(available(pane).iter().filter(|c| !shown.contains(c)).map(|c| (*c, false)));
        ColumnPicker { pane, items, selected: 0, error: None }
    }

    /// The ticked columns, in order.
    pub fn chosen(&self) -> Vec<Column> {
        self.items.iter().filter(|(_, on)| *on).map(|(c, _)| *c).collect()
    }

    fn move_selected(&mut self, up: bool) {
        let i = self.selected;
        let j = if up { i.checked_sub(1) } else { Some(i + 1).filter(|j| *j < self.items.len()) };
        if let Some(j) = j {
            self.items.swap(i, j);
            self.selected = j;
        }
    }
}

/// The columns chosen per pane (the config's `[columns]`, `:columns`); a pane not named shows
/// its default columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnChoice {
    chosen: Vec<(Pane, Vec<Column>)>,
}

impl ColumnChoice {
    pub fn new(chosen: Vec<(Pane, Vec<Column>)>) -> ColumnChoice {
        ColumnChoice { chosen }
    }

    /// What `pane` shows, in order.
    pub fn of(&self, pane: Pane) -> &[Column] {
        self.chosen.iter().find(|(p, _)| *p == pane).map_or(available(pane), |(_, c)| c.as_slice())
    }

    fn set(&mut self, pane: Pane, columns: Vec<Column>) {
        self.chosen.retain(|(p, _)| *p != pane);
        self.chosen.push((pane, columns));
    }
}

impl App {
    /// Start with the columns of the config's `[columns]`.
    pub fn with_columns(mut self, choice: ColumnChoice) -> App {
        self.columns = choice;
        self
    }

    /// The columns the focused pane shows, in order.
    pub fn shown_columns(&self) -> &[Column] {
        self.columns.of(self.pane)
    }

    pub fn column_picker(&self) -> Option<&ColumnPicker> {
        self.column_picker.as_ref()
    }

    /// `:columns`: pick and order the focused pane's columns.
    pub(super) fn open_column_picker(&mut self) {
        self.column_picker = Some(ColumnPicker::new(self.pane, self.columns.of(self.pane)));
    }

    /// Shift + a column's letter: sort by it; again: reverse. `false` when no column of the
    /// pane has that letter.
    pub(super) fn sort_by_letter(&mut self, c: char) -> bool {
        let Some(column) = by_letter(self.pane, c) else { return false };
        let vs = &mut self.panes[self.pane.index()];
        if vs.sort == SortKey::By(column) {
            vs.reverse = !vs.reverse;
        } else {
            vs.sort = SortKey::By(column);
            vs.reverse = false;
        }
        self.rebuild(self.pane);
        true
    }

    /// A command while the picker is open.
    pub(super) fn run_column_picker(&mut self, command: Command) -> Vec<Effect> {
        let Some(p) = &mut self.column_picker else { return Vec::new() };
        match command {
            Command::MoveColumnUp => p.move_selected(true),
            Command::MoveColumnDown => p.move_selected(false),
            Command::ToggleColumn => {
                if let Some(item) = p.items.get_mut(p.selected) {
                    item.1 = !item.1;
                }
                p.error = None;
            }
            Command::Up => p.selected = p.selected.saturating_sub(1),
            Command::Down => p.selected = (p.selected + 1).min(p.items.len().saturating_sub(1)),
            Command::Submit => return self.save_columns(),
            Command::Back => self.column_picker = None,
            _ => {}
        }
        Vec::new()
    }

    fn save_columns(&mut self) -> Vec<Effect> {
        let Some(p) = &mut self.column_picker else { return Vec::new() };
        let chosen = p.chosen();
        if !chosen.contains(&Column::Name) {
            p.error = Some("NAME always shows: tick it (space)".into());
            return Vec::new();
        }
        let pane = p.pane;
        self.column_picker = None;
        self.columns.set(pane, chosen.clone());
        self.dirty = true;
        let names: Vec<String> = chosen.iter().map(|c| c.name().to_string()).collect();
        vec![Effect::SaveColumns { pane: pane.command().to_string(), columns: names }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_are_unique_per_pane_and_never_a_reserved_key() {
        for pane in Pane::ALL {
            let mut seen = Vec::new();
            for c in available(pane) {
                let l = letter(pane, *c);
                assert!(l.is_ascii_uppercase(), "{c:?}");
                assert!(!RESERVED.contains(&l), "{pane:?} {c:?} uses reserved {l}");
                assert!(!seen.contains(&l), "{pane:?}: {l} twice");
                seen.push(l);
                assert_eq!(by_letter(pane, l), Some(*c));
            }
        }
    }

    #[test]
    fn letters_come_from_the_title_where_one_is_free() {
        let outside: Vec<(Pane, Column)> = Pane::ALL
            .iter()
            .flat_map(|p| available(*p).iter().map(move |c| (*p, *c)))
            .filter(|(p, c)| {
                let title = if *p == Pane::Runs && *c == Column::Name { "JOB / RUN" } else { c.title() };
                !title.contains(letter(*p, *c))
            })
            .collect();
        assert_eq!(
            outside,
            [
                (Pane::Clusters, Column::Runtime),
                (Pane::Runs, Column::Trigger),
                (Pane::All, Column::Kind),
                (Pane::Jobs, Column::Durations)
            ]
        );
    }

    #[test]
    fn the_picker_ticks_moves_and_keeps_hidden_columns_offered() {
        let mut p = ColumnPicker::new(Pane::Sessions, &[Column::Name, Column::State]);
        assert_eq!(p.items.len(), available(Pane::Sessions).len());
        assert_eq!(p.chosen(), [Column::Name, Column::State]);
        p.move_selected(false);
        assert_eq!(p.chosen(), [Column::State, Column::Name]);
        p.move_selected(false);
        p.items[p.selected].1 = false;
        assert_eq!(p.chosen(), [Column::State]);
        p.selected = 0;
        p.move_selected(true);
        assert_eq!(p.selected, 0, "the top stays the top");
    }
}
