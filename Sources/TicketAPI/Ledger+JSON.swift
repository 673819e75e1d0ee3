public import LinliCore

extension Ledger {
    /// Why JSON could not be read as a ledger; names the field.
    public struct JSONDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The problem, naming the field.
        public var description: String
    }

    /// The keys of one row, in the order they are written (`GET /api/v1/report`, `--json`, `--csv`).
    public static let rowKeys = [
        "site", "team", "open", "overdue", "opened", "resolved", "ack_within_sla_pct", "ack_sla_met",
        "ack_sla_total", "resolve_within_sla_pct", "resolve_sla_met", "resolve_sla_total", "time_to_ack_median_s",
        "time_to_ack_p90_s", "time_to_resolve_median_s", "time_to_resolve_p90_s",
    ]

    /// The JSON object: `{"from", "to", "generated_at", "rows": [...], "total": {...}}`.
    public func jsonObject() -> JSONObject {
        [
            "from": .string(RFC3339.format(period.from)),
            "to": .string(RFC3339.format(period.to)),
            "generated_at": .string(RFC3339.format(generatedAt)),
            "rows": .array(rows.map { .object($0.jsonObject()) }),
            "total": .object(total.jsonObject()),
        ]
    }

    /// The JSON text.
    public func json(pretty: Bool = false) -> String {
        var writer = JSONWriter(pretty: pretty, capacity: 1024)
        writer.value(.object(jsonObject()))
        return writer.text
    }

    /// Reads a ledger from the JSON ``jsonObject()`` writes.
    /// - Throws: ``JSONDecodingError`` naming the first bad field.
    public init(json bytes: [UInt8]) throws(JSONDecodingError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw JSONDecodingError(description: "the report is not valid JSON: \(error)")
        }
        func time(_ key: String) throws(JSONDecodingError) -> EventTime {
            guard let text = value[key]?.string, let time = RFC3339.parse(text) else {
                throw JSONDecodingError(description: "report field `\(key)` must be an RFC 3339 time")
            }
            return time
        }
        guard let rows = value["rows"]?.array, let total = value["total"] else {
            throw JSONDecodingError(description: "the report needs `rows` (an array) and `total`")
        }
        var decoded: [Row] = []
        for (index, row) in rows.enumerated() {
            decoded.append(try Row(json: row, path: "rows[\(index)]"))
        }
        self.init(
            period: Period(from: try time("from"), to: try time("to")),
            generatedAt: try time("generated_at"),
            rows: decoded,
            total: try Row(json: total, path: "total")
        )
    }
}

extension Ledger.Row {
    /// The row's JSON object, keys in ``Ledger/rowKeys`` order; absent figures are `null`.
    public func jsonObject() -> JSONObject {
        [
            "site": .string(site),
            "team": .string(team),
            "open": .number(Double(open)),
            "overdue": .number(Double(overdue)),
            "opened": .number(Double(opened)),
            "resolved": .number(Double(resolved)),
            "ack_within_sla_pct": Self.json(acknowledgedInTime.percent),
            "ack_sla_met": .number(Double(acknowledgedInTime.met)),
            "ack_sla_total": .number(Double(acknowledgedInTime.total)),
            "resolve_within_sla_pct": Self.json(resolvedInTime.percent),
            "resolve_sla_met": .number(Double(resolvedInTime.met)),
            "resolve_sla_total": .number(Double(resolvedInTime.total)),
            "time_to_ack_median_s": Self.json(timeToAcknowledge.median),
            "time_to_ack_p90_s": Self.json(timeToAcknowledge.p90),
            "time_to_resolve_median_s": Self.json(timeToResolve.median),
            "time_to_resolve_p90_s": Self.json(timeToResolve.p90),
        ]
    }

    init(json: JSONValue, path: String) throws(Ledger.JSONDecodingError) {
        func field(_ key: String) throws(Ledger.JSONDecodingError) -> JSONValue {
            guard let value = json[key] else {
                throw Ledger.JSONDecodingError(description: "report field `\(path).\(key)` is missing")
            }
            return value
        }
        func integer(_ key: String) throws(Ledger.JSONDecodingError) -> Int {
            guard let number = try field(key).number, number == number.rounded() else {
                throw Ledger.JSONDecodingError(description: "report field `\(path).\(key)` must be an integer")
            }
            return Int(number)
        }
        func seconds(_ key: String) throws(Ledger.JSONDecodingError) -> Duration? {
            let value = try field(key)
            if value.isNull { return nil }
            guard let number = value.number else {
                throw Ledger.JSONDecodingError(description: "report field `\(path).\(key)` must be a number or null")
            }
            return .milliseconds(Int64((number * 1000).rounded()))
        }
        guard let site = try field("site").string, let team = try field("team").string else {
            throw Ledger.JSONDecodingError(description: "report fields `\(path).site` and `.team` must be strings")
        }
        self.init(site: site, team: team)
        open = try integer("open")
        overdue = try integer("overdue")
        opened = try integer("opened")
        resolved = try integer("resolved")
        acknowledgedInTime = Ledger.Compliance(met: try integer("ack_sla_met"), total: try integer("ack_sla_total"))
        resolvedInTime = Ledger.Compliance(
            met: try integer("resolve_sla_met"),
            total: try integer("resolve_sla_total")
        )
        timeToAcknowledge = Ledger.Spread(
            median: try seconds("time_to_ack_median_s"),
            p90: try seconds("time_to_ack_p90_s")
        )
        timeToResolve = Ledger.Spread(
            median: try seconds("time_to_resolve_median_s"),
            p90: try seconds("time_to_resolve_p90_s")
        )
    }

    private static func json(_ number: Double?) -> JSONValue {
        number.map(JSONValue.number) ?? .null
    }

    private static func json(_ duration: Duration?) -> JSONValue {
        duration.map { .number(Double($0.milliseconds) / 1000) } ?? .null
    }
}
