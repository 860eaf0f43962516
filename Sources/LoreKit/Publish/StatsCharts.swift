import Foundation

/// The site's trends page: `MemoryStats` (what `lore stats` prints) drawn as plain SVG bar charts
/// made here, with the numbers in tables beside them (no JavaScript, no charting library). Every
/// label is escaped; the drawing itself is made of numbers only.
enum StatsCharts {
    /// Colours of the stacked series, in order (then "other").
    static let palette = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b7791f", "#c53030"]
    static let otherColour = "#a0aec0"

    /// The template context of `stats.html`.
    static func context(_ stats: MemoryStats) -> [String: Any] {
        var breakdowns: [[String: Any]] = []
        for breakdown in stats.breakdowns where !breakdown.values.isEmpty {
            let shown = Array(breakdown.values.prefix(palette.count))
            let hasOther = breakdown.values.count > shown.count
            let periods = breakdown.periods.keys.sorted()
            var rows: [[String: Any]] = []
            for period in periods {
                let counts = breakdown.periods[period]!
                var cells = shown.map { String(counts[$0] ?? 0) }
                if hasOther { cells.append(String(counts.filter { !shown.contains($0.key) }.values.reduce(0, +))) }
                rows.append(["period": period, "cells": cells.map { ["value": $0] }])
            }
            let series = shown.enumerated().map { (name: $0.element, colour: palette[$0.offset]) } + (hasOther ? [(name: "other", colour: otherColour)] : [])
            breakdowns.append([
                "dimension": breakdown.dimension,
                "svg": stackedBars(title: "Entries per \(stats.period.rawValue) by \(breakdown.dimension)", periods: periods,
                                   series: series.map(\.name), colours: series.map(\.colour),
                                   value: { period, name in
                                       let counts = breakdown.periods[period] ?? [:]
                                       return name == "other" && hasOther ? counts.filter { !shown.contains($0.key) }.values.reduce(0, +) : counts[name] ?? 0
                                   }),
                "legend": series.map { ["name": $0.name, "colour": $0.colour] },
                "headers": (series.map(\.name)).map { ["name": $0] },
                "rows": rows,
            ])
        }
        func hours(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "–" }
        var resolve: [(label: String, value: Double)] = []
        var resolveRows: [[String: Any]] = []
        for (label, durations) in [("all", stats.timeToResolve)] + stats.timeToResolveBySeverity.sorted(by: { $0.key < $1.key }) {
            resolveRows.append(["label": label, "count": durations.count, "median": hours(durations.medianHours),
                                "mean": hours(durations.meanHours), "max": hours(durations.maxHours)])
            if let median = durations.medianHours { resolve.append((label, median)) }
        }
        var context: [String: Any] = [
            "period": stats.period.rawValue, "entries": stats.entries,
            "breakdowns": breakdowns, "hasBreakdowns": !breakdowns.isEmpty,
            "resolveRows": resolveRows,
            "resolveSVG": horizontalBars(title: "Median hours to resolve, by severity", bars: resolve, unit: "h"),
        ]
        if let publish = stats.timeToPublish, publish.count > 0 {
            context["publish"] = ["count": publish.count, "median": hours(publish.medianHours), "mean": hours(publish.meanHours),
                                  "max": hours(publish.maxHours)]
        }
        let items = stats.actionItems
        context["actions"] = [
            "total": items.total, "open": items.open, "overdue": items.overdue, "done": items.done, "wontDo": items.wontDo,
            "due": items.due, "dueDone": items.dueDone,
            "share": items.onTimeShare.map { String(format: "%.0f%%", $0 * 100) } ?? "–",
            "svg": horizontalBars(title: "Action items by state",
                                  bars: [("open", Double(items.open)), ("overdue", Double(items.overdue)), ("done", Double(items.done)),
                                         ("won't do", Double(items.wontDo))], unit: ""),
        ] as [String: Any]
        return context
    }

    /// Vertical stacked bars, one per period, scaled to the largest total.
    static func stackedBars(title: String, periods: [String], series: [String], colours: [String],
                            value: (String, String) -> Int) -> String {
        let barWidth = 18, gap = 6, height = 160, top = 10, bottom = 40, left = 36
        let totals = periods.map { period in series.reduce(0) { $0 + value(period, $1) } }
        let maximum = max(totals.max() ?? 0, 1)
        let width = left + periods.count * (barWidth + gap) + gap
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(width)\" height=\"\(top + height + bottom)\" viewBox=\"0 0 \(width) \(top + height + bottom)\" role=\"img\" aria-label=\"\(Escaping.html(title))\">"
        svg += "<title>\(Escaping.html(title))</title>"
        svg += "<line x1=\"\(left)\" y1=\"\(top + height)\" x2=\"\(width)\" y2=\"\(top + height)\" stroke=\"#718096\"/>"
        svg += "<text x=\"\(left - 4)\" y=\"\(top + 8)\" text-anchor=\"end\" font-size=\"10\">\(maximum)</text>"
        svg += "<text x=\"\(left - 4)\" y=\"\(top + height)\" text-anchor=\"end\" font-size=\"10\">0</text>"
        for (index, period) in periods.enumerated() {
            let x = left + gap + index * (barWidth + gap)
            var y = top + height
            for (name, colour) in zip(series, colours) {
                let count = value(period, name)
                guard count > 0 else { continue }
                let h = max(1, count * height / maximum)
                y -= h
                svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(barWidth)\" height=\"\(h)\" fill=\"\(colour)\"><title>\(Escaping.html("\(period) \(name): \(count)"))</title></rect>"
            }
            svg += "<text transform=\"translate(\(x + barWidth / 2),\(top + height + 6)) rotate(60)\" font-size=\"9\">\(Escaping.html(period))</text>"
        }
        return svg + "</svg>"
    }

    /// Horizontal bars with their values, scaled to the largest.
    static func horizontalBars(title: String, bars: [(label: String, value: Double)], unit: String) -> String {
        let rowHeight = 20, labelWidth = 90, barMax = 260
        let maximum = max(bars.map(\.value).max() ?? 0, 1)
        let height = max(bars.count, 1) * rowHeight + 4
        let width = labelWidth + barMax + 70
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(Escaping.html(title))\">"
        svg += "<title>\(Escaping.html(title))</title>"
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight + 2
            let length = Int((bar.value / maximum * Double(barMax)).rounded())
            let shown = bar.value == bar.value.rounded() ? String(Int(bar.value)) : String(format: "%.1f", bar.value)
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 13)\" text-anchor=\"end\" font-size=\"11\">\(Escaping.html(bar.label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 2)\" width=\"\(max(length, bar.value > 0 ? 1 : 0))\" height=\"\(rowHeight - 6)\" fill=\"\(palette[0])\"/>"
            svg += "<text x=\"\(labelWidth + length + 4)\" y=\"\(y + 13)\" font-size=\"11\">\(shown)\(unit)</text>"
        }
        return svg + "</svg>"
    }
}
