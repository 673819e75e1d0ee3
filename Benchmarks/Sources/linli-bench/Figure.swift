import Foundation
import LinliCore

/// One measured figure: what was measured, its value and unit, and the conditions that give it meaning.
///
/// Printed as one line (``line``), or as a JSON object with `--json`. Figures are reported, never checked
/// against a threshold: timing depends on the machine and on what else runs on it.
struct Figure: Sendable {
    /// Dotted name, stable across runs (`replay.events_per_second`).
    var name: String
    /// The value.
    var value: Double
    /// The unit (`events/s`, `ns/event`, `ms`, `MB`, `x`).
    var unit: String
    /// The conditions, in a few words.
    var detail: String

    /// `replay.events_per_second            1,234,567 events/s   1,200,000 events, 100,000 devices`.
    var line: String {
        let padded = name.padding(toLength: max(name.count, 34), withPad: " ", startingAt: 0)
        let number = Self.format(value)
        let leftPad = String(repeating: " ", count: max(0, 14 - number.count))
        let unitText = unit.padding(toLength: max(unit.count, 10), withPad: " ", startingAt: 0)
        return "\(padded) \(leftPad)\(number) \(unitText) \(detail)"
    }

    /// The figure as a JSON object.
    var json: JSONValue {
        var object = JSONObject()
        object["name"] = .string(name)
        object["value"] = .number((value * 1000).rounded() / 1000)
        object["unit"] = .string(unit)
        object["detail"] = .string(detail)
        return .object(object)
    }

    /// Thousands separated, two decimals below 100, none above.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        if abs(value) < 100 {
            let hundredths = Int((abs(value) * 100).rounded())
            let fraction = hundredths % 100
            return (value < 0 ? "-" : "") + "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
        }
        return grouped(Int(value.rounded()))
    }

    /// `1234567` → `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text += "," }
            text.append(digit)
        }
        return (value < 0 ? "-" : "") + text
    }
}
