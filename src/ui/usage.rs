//! Resource usage in the details of a Fabric session or batch (`app::usage`): a line saying
//! what the application uses now, and a chart of cores allocated and running over its run,
//! drawn in the bottom rows of the details box.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Clear, Dataset, GraphType, Paragraph};

use crate::app::usage::UsageView;
use crate::domain::format_duration;
use crate::domain::status::Status;
use crate::domain::usage::Usage;

use super::theme::Theme;

/// "2 executors · 16 cores allocated, 9 running · efficiency 58% · idle 1m 20s of 6m 00s".
pub fn summary(v: &UsageView) -> String {
    let Some(u) = &v.usage else {
        return v.error.clone().map_or_else(|| "reading the resource usage…".into(), |e| format!("✗ {e}"));
    };
    if u.capacity_exceeded {
        return "more than 10 000 tasks: Fabric gives no usage timeline for this application".into();
    }
    let Some(last) = u.latest() else {
        return "no usage yet: the Spark application has not started".into();
    };
    let mut parts = vec![
        format!("{} executor{}", last.executors, if last.executors == 1 { "" } else { "s" }),
        format!("{} cores allocated, {} running", last.allocated, last.running),
    ];
    if let Some(e) = u.efficiency {
        parts.push(format!("efficiency {:.0}%", e * 100.0));
    }
    let secs = |s: f64| format_duration(jiff::SignedDuration::from_secs(s as i64));
    match (u.idle, u.duration) {
        (Some(i), Some(d)) => parts.push(format!("idle {} of {}", secs(i), secs(d))),
        (None, Some(d)) => parts.push(format!("ran {}", secs(d))),
        _ => {}
    }
    if !v.finished {
        parts.push("live".into());
    }
    if let Some(e) = &v.error {
        parts.push(format!("✗ {e}"));
    }
    parts.join(" · ")
}

/// (seconds, cores) points of one line of the chart.
type Series = Vec<(f64, f64)>;

/// The chart's series: allocated cores and running cores.
pub fn series(u: &Usage) -> (Series, Series) {
    (
        u.points.iter().map(|p| (p.at, p.allocated)).collect(),
        u.points.iter().map(|p| (p.at, p.running)).collect(),
    )
}

pub fn render(frame: &mut Frame, v: &UsageView, theme: &Theme, details: Rect) {
    let inner = Block::default().borders(Borders::ALL).inner(details);
    let Some(area) = crate::app::layout::usage(inner) else { return };
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.muted)
        .title(Span::styled(" resource usage ", theme.title));
    let body = block.inner(area);
    frame.render_widget(block, area);
    let head = Rect { height: 1.min(body.height), ..body };
    frame.render_widget(Paragraph::new(Line::styled(format!(" {}", summary(v)), theme.text)), head);
    let Some(u) = v.usage.as_ref().filter(|u| u.points.len() > 1) else { return };
    if body.height < 4 {
        return;
    }
    let chart_area = Rect { y: body.y + 1, height: body.height - 1, ..body };
    let ([x0, x1], [y0, y1]) = u.bounds();
    let (allocated, running) = series(u);
    let busy = theme.status(Status::Busy);
    let datasets = vec![
        Dataset::default()
            .name("allocated")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.muted)
            .data(&allocated),
        Dataset::default()
            .name("running")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(busy)
            .data(&running),
    ];
    let time = |s: f64| format_duration(jiff::SignedDuration::from_secs(s as i64));
    let chart = Chart::new(datasets)
        .x_axis(
            Axis::default()
                .bounds([x0, x1])
                .style(theme.muted)
                .labels([Span::raw("0s"), Span::raw(time(x1))]),
        )
        .y_axis(
            Axis::default()
                .title(Span::styled("cores", theme.muted))
                .bounds([y0, y1])
                .style(theme.muted)
                .labels([Span::raw("0"), Span::raw(format!("{y1}"))]),
        )
        .style(Style::default());
    frame.render_widget(chart, chart_area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Kind;
    use crate::domain::Target;
    use crate::domain::usage::UsagePoint;

    fn view(usage: Option<Usage>, finished: bool) -> UsageView {
        let target = Target {
            workspace: "w".into(),
            kind: Kind::Batch,
            id: "b".into(),
            name: "n".into(),
            lakehouse: None,
        };
        UsageView { target, usage, finished, error: None }
    }

    #[test]
    fn the_chart_takes_the_bottom_rows_it_can_fill() {
        let inner = Rect { x: 2, y: 3, width: 70, height: 30 };
        let area = crate::app::layout::usage;
        assert_eq!(area(inner), Some(Rect { x: 2, y: 23, width: 70, height: 10 }));
        assert_eq!(area(Rect { height: 24, ..inner }).map(|a| (a.y, a.height)), Some((20, 7)));
        assert_eq!(area(Rect { height: 13, ..inner }).map(|a| a.height), Some(2), "a summary line only");
        assert_eq!(area(Rect { height: 6, ..inner }), None);
    }

    #[test]
    fn the_summary_says_what_is_used_now() {
        assert_eq!(summary(&view(None, false)), "reading the resource usage…");
        assert_eq!(
            summary(&view(Some(Usage::default()), false)),
            "no usage yet: the Spark application has not started"
        );
        let p = |at, allocated, running, executors| UsagePoint { at, allocated, running, executors };
        let u = Usage {
            points: vec![p(0.0, 0.0, 0.0, 0), p(5.0, 16.0, 9.0, 2)],
            duration: Some(360.0),
            idle: Some(80.0),
            efficiency: Some(0.58),
            capacity_exceeded: false,
        };
        assert_eq!(
            summary(&view(Some(u.clone()), false)),
            "2 executors · 16 cores allocated, 9 running · efficiency 58% · idle 1m 20s of 6m 00s · live"
        );
        let (allocated, running) = series(&u);
        assert_eq!((allocated[1], running[1]), ((5.0, 16.0), (5.0, 9.0)));
        assert_eq!(u.bounds(), ([0.0, 5.0], [0.0, 16.0]));
    }
}
