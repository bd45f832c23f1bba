//! The processing times per half year as a chart drawn on the server (SVG,
//! no JavaScript) and as the table beside it, which says the same for
//! screen readers and anyone who wants the numbers.

use leptos::prelude::*;
use pratiche_domain::processing_times::{Half, Period, PeriodFigures, Times};

use crate::i18n::{I18n, use_i18n};

/// Half years the chart shows, newest last; the table shows them all.
const CHART_PERIODS: usize = 6;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 44.0;

/// A period's name in the page's language.
pub fn period_label(i18n: &I18n, period: &Period) -> String {
    match *period {
        Period::HalfYear { year, half } => {
            let key = match half {
                Half::First => "period-half-first",
                Half::Second => "period-half-second",
            };
            i18n.t_with(key, &[("year", year.to_string().into())])
        }
        Period::TwelveMonths { .. } => i18n.t("period-twelve-months"),
    }
}

/// Median and 90th percentile of each of the last half years as bars,
/// against the legal term as a dashed line. Half years without enough
/// conclusions get no bar, and say so.
#[component]
pub fn TimesChart(half_years: Vec<PeriodFigures>, term_days: i32) -> impl IntoView {
    let i18n = use_i18n();
    let shown: Vec<PeriodFigures> = half_years.into_iter().take(CHART_PERIODS).rev().collect();
    let longest = shown
        .iter()
        .filter_map(|figures| figures.times.map(|times| times.p90_days))
        .max()
        .unwrap_or(0);
    let top = scale_top(longest.max(u32::try_from(term_days).unwrap_or(0)));
    let plot_height = HEIGHT - TOP - BOTTOM;
    let y = move |days: u32| TOP + plot_height * (1.0 - f64::from(days) / f64::from(top));
    let slot = (WIDTH - LEFT - RIGHT) / shown.len().max(1) as f64;
    let bar = slot * 0.3;
    let ticks = [0, top / 2, top]
        .into_iter()
        .map(|days| {
            view! {
                <line class="chart-grid" x1=LEFT x2=WIDTH - RIGHT y1=y(days) y2=y(days)/>
                <text class="chart-axis" x=LEFT - 6.0 y=y(days) + 4.0 text-anchor="end">{days}</text>
            }
        })
        .collect_view();
    let columns = shown
        .iter()
        .enumerate()
        .map(|(index, figures)| {
            let left = LEFT + slot * index as f64 + (slot - 2.0 * bar) / 2.0;
            let label = period_label(&i18n, &figures.period);
            let bars = match figures.times {
                Some(times) => view! {
                    <rect class="chart-median" x=left y=y(times.median_days) width=bar height=y(0) - y(times.median_days)/>
                    <rect class="chart-p90" x=left + bar y=y(times.p90_days) width=bar height=y(0) - y(times.p90_days)/>
                }
                .into_any(),
                None => view! {
                    <text class="chart-axis" x=left + bar y=y(0) - 6.0 text-anchor="middle">{i18n.t("times-insufficient-mark")}</text>
                }
                .into_any(),
            };
            view! {
                {bars}
                <text class="chart-axis" x=left + bar y=HEIGHT - BOTTOM + 18.0 text-anchor="middle">{label}</text>
            }
        })
        .collect_view();
    let term_y = y(u32::try_from(term_days).unwrap_or(0));
    let term_label = i18n.t_with("times-chart-term", &[("days", term_days.into())]);
    view! {
        <figure class="times-chart">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="times-chart-title">
                <title id="times-chart-title">{i18n.t("times-chart-title")}</title>
                {ticks}
                {columns}
                <line class="chart-term" x1=LEFT x2=WIDTH - RIGHT y1=term_y y2=term_y/>
            </svg>
            <figcaption>
                <ul class="chart-legend">
                    <li><span class="swatch swatch-median" aria-hidden="true"></span>{i18n.t("times-col-median")}</li>
                    <li><span class="swatch swatch-p90" aria-hidden="true"></span>{i18n.t("times-col-p90")}</li>
                    <li><span class="swatch swatch-term" aria-hidden="true"></span>{term_label}</li>
                </ul>
            </figcaption>
        </figure>
    }
}

/// The top of the days' axis: a round number above `longest`.
fn scale_top(longest: u32) -> u32 {
    let step = match longest {
        0..=50 => 10,
        51..=200 => 50,
        _ => 100,
    };
    (longest / step + 1) * step
}

/// Two cells of a summary row: the share within the term and the median
/// days, or one cell saying there are too few conclusions.
pub fn in_time_and_median_cells(i18n: &I18n, times: Option<Times>) -> AnyView {
    match times {
        Some(times) => view! {
            <td>{format!("{} %", times.in_time_percent)}</td>
            <td>{times.median_days}</td>
        }
        .into_any(),
        None => view! { <td colspan="2">{i18n.t("times-insufficient-short")}</td> }.into_any(),
    }
}

/// Every period's figures, one row each: the chart's data and more.
#[component]
pub fn TimesTable(rows: Vec<PeriodFigures>) -> impl IntoView {
    let i18n = use_i18n();
    let insufficient = i18n.t("times-insufficient-short");
    let body = rows
        .into_iter()
        .map(|figures| {
            let label = period_label(&i18n, &figures.period);
            let measured = match figures.times {
                Some(times) => view! {
                    <td>{format!("{} %", times.in_time_percent)}</td>
                    <td>{times.median_days}</td>
                    <td>{times.p90_days}</td>
                }
                .into_any(),
                None => view! { <td colspan="3">{insufficient.clone()}</td> }.into_any(),
            };
            view! {
                <tr>
                    <th scope="row">{label}</th>
                    <td>{figures.started}</td>
                    <td>{figures.concluded}</td>
                    {measured}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="times-table">
                <caption>{i18n.t("times-table-caption")}</caption>
                <thead><tr>
                    <th scope="col">{i18n.t("times-col-period")}</th>
                    <th scope="col">{i18n.t("times-col-started")}</th>
                    <th scope="col">{i18n.t("times-col-concluded")}</th>
                    <th scope="col">{i18n.t("times-col-in-time")}</th>
                    <th scope="col">{i18n.t("times-col-median")}</th>
                    <th scope="col">{i18n.t("times-col-p90")}</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_on_a_round_number_above_the_longest() {
        assert_eq!(scale_top(0), 10);
        assert_eq!(scale_top(30), 40);
        assert_eq!(scale_top(50), 60);
        assert_eq!(scale_top(60), 100);
        assert_eq!(scale_top(200), 250);
        assert_eq!(scale_top(365), 400);
    }
}
