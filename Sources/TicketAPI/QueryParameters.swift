import Foundation
import Hummingbird
import LinliCore

/// The query parameters of one request, checked against the names an endpoint accepts.
///
/// Each problem is a 400 naming the parameter and the value, so a typo (`stauts=open`) is an error rather
/// than a silently ignored filter.
struct QueryParameters: Sendable {
    /// The parameters in order, values percent-decoded.
    let pairs: [(name: String, value: String)]

    /// The parameters of `request`.
    init(_ request: Request) {
        self.init(query: request.uri.query ?? "")
    }

    /// Parses `a=1&b=x+y`: `+` is a space (as HTML forms send it), then percent-escapes are decoded.
    init(query: String) {
        pairs = query.split(separator: "&").map { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = String(text).replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(pieces[0]), pieces.count > 1 ? decode(pieces[1]) : "")
        }
    }

    /// Parameters given directly (tests, forms).
    init(pairs: [(name: String, value: String)]) {
        self.pairs = pairs
    }

    /// Throws 400 for a parameter not in `accepted` or given twice.
    func check(accepted: Set<String>) throws(HTTPError) {
        var seen: Set<String> = []
        for (name, _) in pairs {
            guard accepted.contains(name) else {
                throw HTTPError(
                    .badRequest,
                    message: "unknown query parameter '\(name)'; accepted: \(accepted.sorted().joined(separator: ", "))"
                )
            }
            guard seen.insert(name).inserted else {
                throw HTTPError(.badRequest, message: "query parameter '\(name)' is given more than once")
            }
        }
    }

    /// The value of `name`, `nil` when absent or empty.
    subscript(name: String) -> String? {
        guard let value = pairs.first(where: { $0.name == name })?.value, !value.isEmpty else { return nil }
        return value
    }

    /// A comma-separated list of raw values of `type`.
    func list<Value: RawRepresentable & CaseIterable & Hashable>(
        _ name: String,
        of type: Value.Type
    ) throws(HTTPError) -> Set<Value> where Value.RawValue == String {
        guard let text = self[name] else { return [] }
        var values: Set<Value> = []
        for part in text.split(separator: ",") {
            guard let value = Value(rawValue: String(part)) else {
                throw invalid(name, String(part), "one of " + Value.allCases.map(\.rawValue).joined(separator: ", "))
            }
            values.insert(value)
        }
        return values
    }

    /// An RFC 3339 time with offset.
    func time(_ name: String) throws(HTTPError) -> EventTime? {
        guard let text = self[name] else { return nil }
        guard let time = RFC3339.parse(text) else {
            throw invalid(name, text, "an RFC 3339 time with offset, e.g. 2026-11-27T08:00:00+08:00")
        }
        return time
    }

    /// An integer in `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(HTTPError) -> Int? {
        guard let text = self[name] else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw invalid(name, text, "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// The 400 for a bad value, naming the parameter, the value and what is expected.
    func invalid(_ name: String, _ value: String, _ expected: String) -> HTTPError {
        HTTPError(.badRequest, message: "query parameter '\(name)': '\(value.prefix(100))' is not valid; expected \(expected)")
    }
}
