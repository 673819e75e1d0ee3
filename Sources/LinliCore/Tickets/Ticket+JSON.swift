extension Ticket {
    /// Why JSON could not be read as tickets; ``description`` names the field by its path (`[3].history[0].at`).
    public enum JSONDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The text is not valid JSON.
        case invalidJSON(JSONError)
        /// A required field is absent.
        case missingField(path: String)
        /// A field has the wrong type or an unacceptable value; `expected` says what is allowed.
        case invalidField(path: String, expected: String)

        /// The problem, naming the field.
        public var description: String {
            switch self {
            case .invalidJSON(let error): "ticket JSON is not valid JSON: \(error)"
            case .missingField(let path): "ticket JSON is missing `\(path)`"
            case .invalidField(let path, let expected): "ticket JSON field `\(path)` must be \(expected)"
            }
        }
    }

    /// The keys of the contract's ticket object (`tickets.md`), in the order they are written.
    public static let jsonKeys = [
        "id", "site", "rule", "rule_version", "title", "description", "severity", "team", "status", "subject",
        "device", "resident", "location", "lat", "long", "opened_at", "updated_at", "ack_due_at", "resolve_due_at",
        "acknowledged_at", "resolved_at", "resolution", "escalation_level", "occurrences", "last_event_at",
        "evidence", "history",
    ]

    /// The keys of one history entry, in the order they are written.
    public static let historyJSONKeys = ["at", "action", "actor", "note"]

    /// The contract JSON object of this ticket: snake_case keys, absent values as `null`, times RFC 3339 UTC.
    public func jsonObject() -> JSONObject {
        [
            "id": .string(id),
            "site": .string(site),
            "rule": .string(rule),
            "rule_version": .string(ruleVersion),
            "title": .string(title),
            "description": .string(description),
            "severity": .string(severity.rawValue),
            "team": .string(team),
            "status": .string(status.rawValue),
            "subject": .string(subject.description),
            "device": Self.json(device),
            "resident": Self.json(resident),
            "location": .string(location),
            "lat": lat.map(JSONValue.number) ?? .null,
            "long": long.map(JSONValue.number) ?? .null,
            "opened_at": Self.json(openedAt),
            "updated_at": Self.json(updatedAt),
            "ack_due_at": Self.json(ackDueAt),
            "resolve_due_at": Self.json(resolveDueAt),
            "acknowledged_at": Self.json(acknowledgedAt),
            "resolved_at": Self.json(resolvedAt),
            "resolution": Self.json(resolution),
            "escalation_level": .number(Double(escalationLevel)),
            "occurrences": .number(Double(occurrences)),
            "last_event_at": Self.json(lastEventAt),
            "evidence": .array(evidence.map(JSONValue.string)),
            "history": .array(
                history.map { entry in
                    .object([
                        "at": Self.json(entry.at),
                        "action": .string(entry.action.rawValue),
                        "actor": .string(entry.actor),
                        "note": Self.json(entry.note),
                    ])
                }
            ),
        ]
    }

    /// Writes this ticket's contract JSON object as one value into `writer` (e.g. inside `{"tickets": [...]}`).
    public func write(to writer: inout JSONWriter) {
        writer.value(.object(jsonObject()))
    }

    /// The contract JSON text of this ticket.
    /// - Parameter pretty: Indent with two spaces, one field a line (for the CLI).
    public func json(pretty: Bool = false) -> String {
        var writer = JSONWriter(pretty: pretty, capacity: 1024)
        write(to: &writer)
        return writer.text
    }

    /// A JSON array of tickets in the contract shape (what `linli tickets list --json` prints).
    /// - Parameter pretty: Indent with two spaces (for the CLI).
    public static func jsonArray(_ tickets: some Sequence<Ticket>, pretty: Bool = false) -> String {
        var writer = JSONWriter(pretty: pretty, capacity: 4096)
        writer.beginArray()
        for ticket in tickets { ticket.write(to: &writer) }
        writer.endArray()
        return writer.text
    }

    /// Reads a ticket from its contract JSON object.
    ///
    /// Every non-null field of the contract is required; nullable fields may be `null` or absent; unknown
    /// fields are ignored. `device` and `resident`, when present, must agree with `subject`. Times may carry
    /// any offset.
    /// - Throws: ``JSONDecodingError`` naming the first bad field.
    public init(json: JSONValue) throws(JSONDecodingError) {
        try self.init(json: json, path: "")
    }

    /// Reads one ticket from JSON text.
    /// - Throws: ``JSONDecodingError`` for invalid JSON or the first bad field.
    public static func decode(from bytes: [UInt8]) throws(JSONDecodingError) -> Ticket {
        try Ticket(json: parse(bytes))
    }

    /// Reads tickets from JSON text: a JSON array of tickets, or the HTTP API's `{"tickets": [...]}`.
    /// - Throws: ``JSONDecodingError`` for invalid JSON or the first bad field (its path starts with the index).
    public static func decodeArray(from bytes: [UInt8]) throws(JSONDecodingError) -> [Ticket] {
        let value = try parse(bytes)
        let elements: [JSONValue]
        let prefix: String
        if let array = value.array {
            elements = array
            prefix = ""
        } else if let array = value["tickets"]?.array {
            elements = array
            prefix = "tickets"
        } else {
            throw .invalidField(path: "", expected: "an array of tickets or {\"tickets\": [...]}")
        }
        var tickets: [Ticket] = []
        tickets.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            tickets.append(try Ticket(json: element, path: "\(prefix)[\(index)]"))
        }
        return tickets
    }

    private static func parse(_ bytes: [UInt8]) throws(JSONDecodingError) -> JSONValue {
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            throw .invalidJSON(error)
        }
    }

    private init(json: JSONValue, path: String) throws(JSONDecodingError) {
        let fields = try TicketFieldReader(json, path: path)
        let subjectText = try fields.string("subject")
        guard let subject = Subject(subjectText) else {
            throw .invalidField(path: fields.path("subject"), expected: "\"device:{id}\" or \"resident:{id}\"")
        }
        var history: [HistoryEntry] = []
        for (index, element) in try fields.array("history").enumerated() {
            let entry = try TicketFieldReader(element, path: fields.path("history") + "[\(index)]")
            history.append(
                HistoryEntry(
                    at: try entry.time("at"),
                    action: try entry.choice("action", HistoryEntry.Action.self),
                    actor: try entry.string("actor"),
                    note: try entry.optionalString("note")
                )
            )
        }
        var evidence: [String] = []
        for (index, element) in try fields.array("evidence").enumerated() {
            guard let id = element.string else {
                throw .invalidField(path: fields.path("evidence") + "[\(index)]", expected: "a string")
            }
            evidence.append(id)
        }
        self.init(
            id: try fields.string("id"),
            site: try fields.string("site"),
            rule: try fields.string("rule"),
            ruleVersion: try fields.string("rule_version"),
            title: try fields.string("title"),
            description: try fields.string("description"),
            severity: try fields.choice("severity", Severity.self),
            team: try fields.string("team"),
            status: try fields.choice("status", TicketStatus.self),
            subject: subject,
            location: try fields.string("location"),
            lat: try fields.optionalNumber("lat"),
            long: try fields.optionalNumber("long"),
            openedAt: try fields.time("opened_at"),
            updatedAt: try fields.time("updated_at"),
            ackDueAt: try fields.optionalTime("ack_due_at"),
            resolveDueAt: try fields.optionalTime("resolve_due_at"),
            acknowledgedAt: try fields.optionalTime("acknowledged_at"),
            resolvedAt: try fields.optionalTime("resolved_at"),
            resolution: try fields.optionalString("resolution"),
            escalationLevel: try fields.integer("escalation_level"),
            occurrences: try fields.integer("occurrences"),
            lastEventAt: try fields.time("last_event_at"),
            evidence: evidence,
            history: history
        )
        for (key, derived) in [("device", device), ("resident", resident)] {
            let given = try fields.optionalString(key)
            guard given == nil || given == derived else {
                throw .invalidField(path: fields.path(key), expected: "null or the id in `subject` (\(subjectText))")
            }
        }
    }

    private static func json(_ text: String?) -> JSONValue {
        text.map(JSONValue.string) ?? .null
    }

    private static func json(_ time: EventTime?) -> JSONValue {
        time.map { .string(RFC3339.format($0)) } ?? .null
    }
}

/// Reads typed fields of one JSON object, reporting problems by path.
private struct TicketFieldReader {
    let object: JSONObject
    let prefix: String

    init(_ value: JSONValue, path: String) throws(Ticket.JSONDecodingError) {
        guard let object = value.object else {
            throw .invalidField(path: path.isEmpty ? "(top level)" : path, expected: "an object")
        }
        self.object = object
        self.prefix = path
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : prefix + "." + key }

    private func required(_ key: String) throws(Ticket.JSONDecodingError) -> JSONValue {
        guard let value = object[key] else { throw .missingField(path: path(key)) }
        return value
    }

    /// The value of a nullable field, `nil` when it is `null` or absent.
    private func optional(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String) throws(Ticket.JSONDecodingError) -> String {
        guard let text = try required(key).string else { throw .invalidField(path: path(key), expected: "a string") }
        return text
    }

    func optionalString(_ key: String) throws(Ticket.JSONDecodingError) -> String? {
        guard let value = optional(key) else { return nil }
        guard let text = value.string else { throw .invalidField(path: path(key), expected: "a string or null") }
        return text
    }

    func optionalNumber(_ key: String) throws(Ticket.JSONDecodingError) -> Double? {
        guard let value = optional(key) else { return nil }
        guard let number = value.number else { throw .invalidField(path: path(key), expected: "a number or null") }
        return number
    }

    func integer(_ key: String) throws(Ticket.JSONDecodingError) -> Int {
        guard let number = try required(key).number, number == number.rounded(), number.magnitude < 1e15 else {
            throw .invalidField(path: path(key), expected: "an integer")
        }
        return Int(number)
    }

    func time(_ key: String) throws(Ticket.JSONDecodingError) -> EventTime {
        guard let text = try required(key).string, let time = RFC3339.parse(text) else {
            throw .invalidField(path: path(key), expected: "an RFC 3339 time with offset")
        }
        return time
    }

    func optionalTime(_ key: String) throws(Ticket.JSONDecodingError) -> EventTime? {
        guard let value = optional(key) else { return nil }
        guard let text = value.string, let time = RFC3339.parse(text) else {
            throw .invalidField(path: path(key), expected: "an RFC 3339 time with offset, or null")
        }
        return time
    }

    func choice<Choice: RawRepresentable & CaseIterable>(
        _ key: String,
        _: Choice.Type
    ) throws(Ticket.JSONDecodingError) -> Choice where Choice.RawValue == String {
        guard let text = try required(key).string, let choice = Choice(rawValue: text) else {
            let names = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidField(path: path(key), expected: "one of \(names)")
        }
        return choice
    }

    func array(_ key: String) throws(Ticket.JSONDecodingError) -> [JSONValue] {
        guard let elements = try required(key).array else {
            throw .invalidField(path: path(key), expected: "an array")
        }
        return elements
    }
}
