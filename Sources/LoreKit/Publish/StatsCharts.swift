import Foundation

/// The site's trends page: `MemoryStats` (what `lore stats` prints) drawn as plain SVG bar charts
/// made here, with the numbers in tables beside them (no JavaScript, no charting library). Every
/// label is escaped; the drawing itself is made of numbers only.
package enum StatsCharts {
    /// Colours of the stacked series, in order (then "other").
    static let palette = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b7791f", "#c53030"]
    static let otherColour = "#a0aec0"

    /// The template context of `stats.html`.
    static func context(_ stats: MemoryStats) -> [String: TemplateValue] {
        var breakdowns: [TemplateValue] = []
        // Every period from the first to the last of any chart, empty ones too, the same on every
        // chart: a gap is part of the trend.
        let periods = everyPeriod(between: Set(stats.breakdowns.flatMap(\.periods.keys)).sorted())
        for breakdown in stats.breakdowns where !breakdown.values.isEmpty {
            let shown = Array(breakdown.values.prefix(palette.count))
            let hasOther = breakdown.values.count > shown.count
            var rows: [TemplateValue] = []
            for period in periods {
                let counts = breakdown.periods[period] ?? [:]
                var cells = shown.map { String(counts[$0] ?? 0) }
                if hasOther { cells.append(String(counts.filter { !shown.contains($0.key) }.values.reduce(0, +))) }
                rows.append(["period": .string(period), "cells": .list(cells.map { ["value": .string($0)] })])
            }
            let series = shown.enumerated().map { (name: $0.element, colour: palette[$0.offset]) } + (hasOther ? [(name: "other", colour: otherColour)] : [])
            breakdowns.append([
                "dimension": .string(breakdown.dimension),
                "svg": .string(stackedBars(title: "Entries per \(stats.period.rawValue) by \(breakdown.dimension)", periods: periods,
                                   series: series.map(\.name), colours: series.map(\.colour),
                                   value: { period, name in
                                       let counts = breakdown.periods[period] ?? [:]
                                       return name == "other" && hasOther ? counts.filter { !shown.contains($0.key) }.values.reduce(0, +) : counts[name] ?? 0
                                   })),
                "legend": .list(series.map { ["name": .string($0.name), "colour": .string($0.colour)] }),
                "headers": .list(series.map(\.name).map { ["name": .string($0)] }),
                "rows": .list(rows),
            ])
        }
        func hours(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "–" }
        var resolve: [(label: String, value: Double)] = []
        var resolveRows: [TemplateValue] = []
        for (label, durations) in [("all", stats.timeToResolve)] + stats.timeToResolveBySeverity.sorted(by: { $0.key < $1.key }) {
            resolveRows.append(["label": .string(label), "count": .number(durations.count), "median": .string(hours(durations.medianHours)),
                                "mean": .string(hours(durations.meanHours)), "max": .string(hours(durations.maxHours))])
            if let median = durations.medianHours { resolve.append((label, median)) }
        }
        var context: [String: TemplateValue] = [
            "period": .string(stats.period.rawValue), "entries": .number(stats.entries),
            "breakdowns": .list(breakdowns), "hasBreakdowns": .bool(!breakdowns.isEmpty),
            "resolveRows": .list(resolveRows),
            "resolveSVG": .string(horizontalBars(title: "Median hours to resolve, by severity", bars: resolve, unit: "h")),
        ]
        if let publish = stats.timeToPublish, publish.count > 0 {
            context["publish"] = ["count": .number(publish.count), "median": .string(hours(publish.medianHours)),
                                  "mean": .string(hours(publish.meanHours)), "max": .string(hours(publish.maxHours))]
        }
        let items = stats.actionItems
        context["actions"] = [
            "total": .number(items.total), "open": .number(items.open), "overdue": .number(items.overdue), "done": .number(items.done),
            "wontDo": .number(items.wontDo), "due": .number(items.due), "dueDone": .number(items.dueDone),
            "share": .string(items.onTimeShare.map { String(format: "%.0f%%", $0 * 100) } ?? "–"),
            "svg": .string(horizontalBars(title: "Action items by state",
                                  bars: [("open", Double(items.open)), ("overdue", Double(items.overdue)), ("done", Double(items.done)),
                                         ("won't do", Double(items.wontDo))], unit: "")),
        ]
        return context
    }

    /// Every period from the first of `periods` to the last (`2024-Q3`, `2024-Q4`, `2025-Q1` …;
    /// also months `2025-03` and years `2025`); periods of another shape are kept as they are.
    package static func everyPeriod(between periods: [String]) -> [String] {
        guard let first = periods.first, let last = periods.last, first != last else { return periods }
        func parse(_ period: String) -> (year: Int, part: Int, parts: Int)? {
            let pieces = period.split(separator: "-", omittingEmptySubsequences: false)
            guard let year = Int(pieces[0]), pieces[0].count == 4 else { return nil }
            if pieces.count == 1 { return (year, 1, 1) }
            guard pieces.count == 2 else { return nil }
            if pieces[1].hasPrefix("Q"), let quarter = Int(pieces[1].dropFirst()), (1...4).contains(quarter) { return (year, quarter, 4) }
            if pieces[1].count == 2, let month = Int(pieces[1]), (1...12).contains(month) { return (year, month, 12) }
            return nil
        }
        guard let start = parse(first), let end = parse(last), start.parts == end.parts,
              periods.allSatisfy({ parse($0)?.parts == start.parts }) else { return periods }
        var out: [String] = []
        var (year, part) = (start.year, start.part)
        while (year, part) <= (end.year, end.part), out.count < 2_000 {
            switch start.parts {
            case 4: out.append("\(year)-Q\(part)")
            case 12: out.append("\(year)-\(part < 10 ? "0" : "")\(part)")
            default: out.append(String(year))
            }
            part += 1
            if part > start.parts { part = 1; year += 1 }
        }
        return out
    }

    /// Vertical stacked bars, one per period, scaled to the largest total, every period labelled
    /// on the axis (horizontally while they fit, else turned so none overlaps or is cut).
    package static func stackedBars(title: String, periods: [String], series: [String], colours: [String],
                            value: (String, String) -> Int) -> String {
        let longest = periods.map(\.count).max() ?? 4
        let labelWidth = longest * 7 + 8                 // 12 px text: about 7 px a character
        let turned = labelWidth > 90
        let slot = turned ? 30 : max(48, labelWidth)
        let barWidth = min(slot - 12, 48), height = 180, top = 14, left = 44, right = 12
        let bottom = turned ? longest * 8 + 16 : 28
        let totals = periods.map { period in series.reduce(0) { $0 + value(period, $1) } }
        let maximum = max(totals.max() ?? 0, 1)
        let width = left + periods.count * slot + right
        let total = top + height + bottom
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(width)\" height=\"\(total)\" viewBox=\"0 0 \(width) \(total)\" role=\"img\" aria-label=\"\(Escaping.html(title))\">"
        svg += "<title>\(Escaping.html(title))</title>"
        // Gridlines at the maximum and half of it, labelled on the left.
        for (fraction, label) in [(1.0, maximum), (0.5, maximum / 2)] where label > 0 && (fraction == 1.0 || maximum >= 2) {
            let y = top + height - Int(Double(height) * Double(label) / Double(maximum))
            svg += "<line class=\"grid\" x1=\"\(left)\" y1=\"\(y)\" x2=\"\(width - right)\" y2=\"\(y)\" stroke=\"#d8dee4\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\" font-size=\"12\">\(label)</text>"
        }
        svg += "<line class=\"axis\" x1=\"\(left)\" y1=\"\(top + height)\" x2=\"\(width - right)\" y2=\"\(top + height)\" stroke=\"#718096\"/>"
        svg += "<text x=\"\(left - 6)\" y=\"\(top + height + 4)\" text-anchor=\"end\" font-size=\"12\">0</text>"
        for (index, period) in periods.enumerated() {
            let x = left + index * slot + (slot - barWidth) / 2
            var y = top + height
            for (name, colour) in zip(series, colours) {
                let count = value(period, name)
                guard count > 0 else { continue }
                let h = max(1, count * height / maximum)
                y -= h
                svg += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(barWidth)\" height=\"\(h)\" fill=\"\(colour)\"><title>\(Escaping.html("\(period) \(name): \(count)"))</title></rect>"
            }
            let centre = x + barWidth / 2
            if turned {
                svg += "<text transform=\"translate(\(centre + 4),\(top + height + 8)) rotate(90)\" font-size=\"12\">\(Escaping.html(period))</text>"
            } else {
                svg += "<text x=\"\(centre)\" y=\"\(top + height + 18)\" text-anchor=\"middle\" font-size=\"12\">\(Escaping.html(period))</text>"
            }
        }
        return svg + "</svg>"
    }

    /// Horizontal bars with their values, scaled to the largest.
    static func horizontalBars(title: String, bars: [(label: String, value: Double)], unit: String) -> String {
        let rowHeight = 24, barMax = 260
        let labelWidth = max(60, (bars.map(\.label.count).max() ?? 0) * 7 + 12)
        let maximum = max(bars.map(\.value).max() ?? 0, 1)
        let height = max(bars.count, 1) * rowHeight + 4
        let width = labelWidth + barMax + 70
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(Escaping.html(title))\">"
        svg += "<title>\(Escaping.html(title))</title>"
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight + 2
            let length = Int((bar.value / maximum * Double(barMax)).rounded())
            let shown = bar.value == bar.value.rounded() ? String(Int(bar.value)) : String(format: "%.1f", bar.value)
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\" font-size=\"12\">\(Escaping.html(bar.label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 2)\" width=\"\(max(length, bar.value > 0 ? 1 : 0))\" height=\"\(rowHeight - 6)\" fill=\"\(palette[0])\"/>"
            svg += "<text x=\"\(labelWidth + length + 4)\" y=\"\(y + 15)\" font-size=\"12\">\(shown)\(unit)</text>"
        }
        return svg + "</svg>"
    }
}
