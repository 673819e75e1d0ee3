import Foundation
import LinliCore

extension Ledger {
    /// The ledger as an aligned text table for a terminal, with a header naming the period.
    public var table: String {
        let header = [
            "SITE", "TEAM", "OPEN", "OVERDUE", "OPENED", "RESOLVED", "ACK IN SLA", "RESOLVE IN SLA", "ACK MEDIAN",
            "ACK P90", "RESOLVE MEDIAN", "RESOLVE P90",
        ]
        let lines = (rows + [total]).map { row in
            [
                row.site, row.team, "\(row.open)", "\(row.overdue)", "\(row.opened)", "\(row.resolved)",
                Self.percentText(row.acknowledgedInTime), Self.percentText(row.resolvedInTime),
                Self.durationText(row.timeToAcknowledge.median), Self.durationText(row.timeToAcknowledge.p90),
                Self.durationText(row.timeToResolve.median), Self.durationText(row.timeToResolve.p90),
            ]
        }
        let widths = header.indices.map { column in
            ([header] + lines).map { $0[column].count }.max() ?? 0
        }
        let body = ([header] + lines).map { line in
            line.enumerated().map { column, cell in
                column < 2
                    ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        let title =
            "ledger \(RFC3339.format(period.from)) to \(RFC3339.format(period.to)) "
            + "(open and overdue as of \(RFC3339.format(generatedAt)))"
        return ([title] + body).joined(separator: "\n")
    }

    /// The ledger as CSV (RFC 4180): a header of ``rowKeys``, one line per row, then the total (`*`, `*`).
    /// Durations are in seconds; absent figures are empty cells.
    public var csv: String {
        var lines = [Self.rowKeys.joined(separator: ",")]
        for row in rows + [total] {
            let object = row.jsonObject()
            lines.append(
                Self.rowKeys.map { key in
                    switch object[key] {
                    case .string(let text): Self.csvField(text)
                    case .number(let number):
                        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
                    default: ""
                    }
                }.joined(separator: ",")
            )
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `87.5% (7/8)`, or `-` when the SLA applied to nothing.
    static func percentText(_ compliance: Compliance) -> String {
        guard let percent = compliance.percent else { return "-" }
        return "\(percentNumber(percent))% (\(compliance.met)/\(compliance.total))"
    }

    /// `87.5` or `100` (no trailing `.0`).
    static func percentNumber(_ percent: Double) -> String {
        percent == percent.rounded() ? String(Int(percent)) : String(percent)
    }

    /// `4m12s`, rounded to the second (`0s` under one), or `-`.
    static func durationText(_ duration: Duration?) -> String {
        guard let duration else { return "-" }
        return Duration.seconds(duration.milliseconds / 1000).shortText
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
