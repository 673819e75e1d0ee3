import LinliCore
import Testing

@Suite struct TicketJSONTests {
    /// 2026-11-27T00:00:00Z.
    static let t0 = EventTime(milliseconds: 1_795_737_600_000)

    /// `milliseconds` after ``t0``.
    static func at(_ milliseconds: Int64) -> EventTime { EventTime(milliseconds: t0.milliseconds + milliseconds) }

    /// A ticket with every optional field set, a device subject and text that needs escaping.
    static let full = Ticket(
        id: "T-000042",
        site: "zijing",
        rule: "bin-full",
        ruleVersion: "sha256:ab12cd",
        title: "Bin ZJ-B03-K is 92% full",
        description: "Empty the \"kitchen\" bin.\nBuilding 3 — 厨余垃圾",
        severity: .high,
        team: "sanitation",
        status: .resolved,
        subject: .device("ZJ-B03-K"),
        location: "Building 3, kitchen-waste station",
        lat: 39.998_712,
        long: -116.3265,
        openedAt: t0,
        updatedAt: at(5_400_000),
        ackDueAt: at(1_800_000),
        resolveDueAt: at(14_400_000),
        acknowledgedAt: at(2_400_250),
        resolvedAt: at(5_400_000),
        resolution: "auto",
        escalationLevel: 2,
        occurrences: 3,
        lastEventAt: at(1_800_000),
        evidence: ["evt-1", "evt-2", "4d1f6a52-0c55-4a8e-9a43-5b8e2b7f0c11"],
        history: [
            HistoryEntry(at: t0, action: .opened, actor: "rule:bin-full"),
            HistoryEntry(at: at(60_000), action: .occurred, actor: "rule:bin-full", note: "fill 95%"),
            HistoryEntry(at: at(1_800_000), action: .escalated, actor: "rule:bin-full", note: "to high"),
            HistoryEntry(at: at(2_400_250), action: .acknowledged, actor: "li.wei", note: "on my way"),
            HistoryEntry(at: at(5_400_000), action: .resolved, actor: "rule:bin-full", note: "auto"),
        ]
    )

    /// A fresh ticket about a resident: every nullable field `nil`.
    static let minimal = Ticket(
        id: "T-000001",
        site: "zijing",
        rule: "care-sos",
        ruleVersion: "v1",
        title: "SOS",
        description: "SOS from R-0012",
        severity: .critical,
        team: "care",
        subject: .resident("R-0012"),
        location: "",
        openedAt: t0,
        updatedAt: t0,
        lastEventAt: t0,
        evidence: ["evt-9"],
        history: [HistoryEntry(at: t0, action: .opened, actor: "rule:care-sos")]
    )

    /// The field names of `tickets.md`, in its order.
    static let contractKeys = [
        "id", "site", "rule", "rule_version", "title", "description", "severity", "team", "status", "subject",
        "device", "resident", "location", "lat", "long", "opened_at", "updated_at", "ack_due_at", "resolve_due_at",
        "acknowledged_at", "resolved_at", "resolution", "escalation_level", "occurrences", "last_event_at", "evidence",
        "history",
    ]

    @Test("writes the contract JSON exactly: snake_case keys, nulls, UTC times, integers")
    func writesGolden() {
        let expected =
            #"{"id":"T-000001","site":"zijing","rule":"care-sos","rule_version":"v1","title":"SOS","#
            + #""description":"SOS from R-0012","severity":"critical","team":"care","status":"open","#
            + #""subject":"resident:R-0012","device":null,"resident":"R-0012","location":"","lat":null,"long":null,"#
            + #""opened_at":"2026-11-27T00:00:00Z","updated_at":"2026-11-27T00:00:00Z","ack_due_at":null,"#
            + #""resolve_due_at":null,"acknowledged_at":null,"resolved_at":null,"resolution":null,"#
            + #""escalation_level":0,"occurrences":1,"last_event_at":"2026-11-27T00:00:00Z","evidence":["evt-9"],"#
            + #""history":[{"at":"2026-11-27T00:00:00Z","action":"opened","actor":"rule:care-sos","note":null}]}"#
        #expect(Self.minimal.json() == expected)
    }

    @Test("has exactly the contract's keys, in its order, for every ticket", arguments: [full, minimal])
    func hasContractKeys(_ ticket: Ticket) throws {
        let value = try JSONValue(parsing: ticket.json())
        let object = try #require(value.object)
        #expect(object.keys == Self.contractKeys)
        #expect(Ticket.jsonKeys == Self.contractKeys)
        for entry in try #require(value["history"]?.array) {
            #expect(entry.object?.keys == ["at", "action", "actor", "note"])
        }
    }

    @Test("writes every field of a full ticket with its contract value")
    func writesFullTicket() throws {
        let value = try JSONValue(parsing: Self.full.json())
        #expect(value["device"] == .string("ZJ-B03-K"))
        #expect(value["resident"] == .null)
        #expect(value["lat"] == .number(39.998_712))
        #expect(value["long"] == .number(-116.3265))
        #expect(value["ack_due_at"] == .string("2026-11-27T00:30:00Z"))
        #expect(value["acknowledged_at"] == .string("2026-11-27T00:40:00.250Z"))
        #expect(value["resolved_at"] == .string("2026-11-27T01:30:00Z"))
        #expect(value["escalation_level"] == .number(2))
        #expect(value["description"] == .string("Empty the \"kitchen\" bin.\nBuilding 3 — 厨余垃圾"))
        #expect(value["history"]?.array?[1]["note"] == .string("fill 95%"))
        #expect(Self.full.json().contains(#""occurrences":3,"#))
    }

    @Test("decoding the JSON gives back the same ticket, compact or pretty", arguments: [full, minimal])
    func roundTrips(_ ticket: Ticket) throws {
        for pretty in [false, true] {
            let text = ticket.json(pretty: pretty)
            #expect(try Ticket(json: JSONValue(parsing: text)) == ticket)
            #expect(try Ticket.decode(from: Array(text.utf8)) == ticket)
        }
        #expect(try Ticket(json: .object(ticket.jsonObject())) == ticket)
        #expect(ticket.json(pretty: true).contains("\n  \"site\": \"zijing\",\n"))
    }

    @Test("arrays round-trip, bare or in the HTTP API's wrapper")
    func arraysRoundTrip() throws {
        let tickets = [Self.full, Self.minimal]
        let text = Ticket.jsonArray(tickets)
        #expect(try Ticket.decodeArray(from: Array(text.utf8)) == tickets)
        #expect(try Ticket.decodeArray(from: Array(Ticket.jsonArray(tickets, pretty: true).utf8)) == tickets)
        #expect(try Ticket.decodeArray(from: Array("{\"tickets\":\(text)}".utf8)) == tickets)
        #expect(try Ticket.decodeArray(from: Array("[]".utf8)).isEmpty)
        #expect(Ticket.jsonArray([Ticket]()) == "[]")
    }

    @Test("nullable fields may be absent")
    func acceptsAbsentNullables() throws {
        var object = Self.full.jsonObject()
        for key in ["device", "resident", "lat", "long", "ack_due_at", "resolve_due_at", "acknowledged_at", "resolved_at", "resolution"] {
            object[key] = nil
        }
        let ticket = try Ticket(json: .object(object))
        #expect(ticket.lat == nil)
        #expect(ticket.ackDueAt == nil)
        #expect(ticket.resolution == nil)
        #expect(ticket.device == "ZJ-B03-K")
    }

    @Test("reads times at any offset")
    func readsOffsets() throws {
        var object = Self.minimal.jsonObject()
        object["opened_at"] = .string("2026-11-27T08:00:00+08:00")
        #expect(try Ticket(json: .object(object)).openedAt == Self.t0)
    }

    struct BadField: Sendable, CustomTestStringConvertible {
        var name: String
        var key: String
        var value: JSONValue?
        var error: Ticket.JSONDecodingError
        var testDescription: String { name }
    }

    static let badFields: [BadField] = [
        BadField(name: "missing site", key: "site", value: nil, error: .missingField(path: "site")),
        BadField(name: "missing history", key: "history", value: nil, error: .missingField(path: "history")),
        BadField(name: "numeric title", key: "title", value: .number(1), error: .invalidField(path: "title", expected: "a string")),
        BadField(
            name: "unknown severity",
            key: "severity",
            value: .string("urgent"),
            error: .invalidField(path: "severity", expected: "one of low, medium, high, critical")
        ),
        BadField(
            name: "unknown status",
            key: "status",
            value: .string("closed"),
            error: .invalidField(path: "status", expected: "one of open, acknowledged, resolved")
        ),
        BadField(
            name: "unparseable subject",
            key: "subject",
            value: .string("thing:x"),
            error: .invalidField(path: "subject", expected: "\"device:{id}\" or \"resident:{id}\"")
        ),
        BadField(
            name: "device disagreeing with subject",
            key: "device",
            value: .string("ZJ-B04-R"),
            error: .invalidField(path: "device", expected: "null or the id in `subject` (device:ZJ-B03-K)")
        ),
        BadField(
            name: "resident on a device ticket",
            key: "resident",
            value: .string("R-0012"),
            error: .invalidField(path: "resident", expected: "null or the id in `subject` (device:ZJ-B03-K)")
        ),
        BadField(name: "text latitude", key: "lat", value: .string("north"), error: .invalidField(path: "lat", expected: "a number or null")),
        BadField(
            name: "time without offset",
            key: "opened_at",
            value: .string("2026-11-27T00:00:00"),
            error: .invalidField(path: "opened_at", expected: "an RFC 3339 time with offset")
        ),
        BadField(
            name: "numeric due time",
            key: "ack_due_at",
            value: .number(0),
            error: .invalidField(path: "ack_due_at", expected: "an RFC 3339 time with offset, or null")
        ),
        BadField(
            name: "fractional count",
            key: "occurrences",
            value: .number(1.5),
            error: .invalidField(path: "occurrences", expected: "an integer")
        ),
        BadField(
            name: "text level",
            key: "escalation_level",
            value: .string("2"),
            error: .invalidField(path: "escalation_level", expected: "an integer")
        ),
        BadField(
            name: "numeric evidence",
            key: "evidence",
            value: .array([.string("a"), .number(1)]),
            error: .invalidField(path: "evidence[1]", expected: "a string")
        ),
        BadField(name: "evidence not an array", key: "evidence", value: .string("a"), error: .invalidField(path: "evidence", expected: "an array")),
        BadField(
            name: "history entry without time",
            key: "history",
            value: .array([.object(["action": .string("opened"), "actor": .string("x")])]),
            error: .missingField(path: "history[0].at")
        ),
        BadField(
            name: "history entry with unknown action",
            key: "history",
            value: .array([.object(["at": .string("2026-11-27T00:00:00Z"), "action": .string("deleted"), "actor": .string("x")])]),
            error: .invalidField(
                path: "history[0].action",
                expected: "one of opened, occurred, escalated, acknowledged, resolved, reopened, commented"
            )
        ),
        BadField(
            name: "history entry not an object",
            key: "history",
            value: .array([.string("opened")]),
            error: .invalidField(path: "history[0]", expected: "an object")
        ),
    ]

    @Test("rejects a bad field, naming its path", arguments: badFields)
    func rejectsBadField(_ example: BadField) {
        var object = Self.full.jsonObject()
        object[example.key] = example.value
        #expect(throws: example.error) { try Ticket(json: .object(object)) }
        #expect(example.error.description.contains("`\(example.error.path)`"))
    }

    @Test("paths in arrays start with the ticket's index")
    func pathsInArrays() {
        var object = Self.minimal.jsonObject()
        object["team"] = .null
        var writer = JSONWriter()
        writer.beginArray()
        Self.full.write(to: &writer)
        writer.value(.object(object))
        writer.endArray()
        #expect(throws: Ticket.JSONDecodingError.invalidField(path: "[1].team", expected: "a string")) {
            try Ticket.decodeArray(from: writer.bytes)
        }
        #expect(throws: Ticket.JSONDecodingError.invalidField(path: "tickets[0]", expected: "an object")) {
            try Ticket.decodeArray(from: Array(#"{"tickets":[1]}"#.utf8))
        }
    }

    @Test("rejects invalid JSON and shapes that are not tickets")
    func rejectsNonTickets() {
        #expect(throws: Ticket.JSONDecodingError.invalidJSON(JSONError(offset: 1, problem: .unexpectedEnd))) {
            try Ticket.decodeArray(from: Array("[".utf8))
        }
        #expect(throws: Ticket.JSONDecodingError.self) { try Ticket.decodeArray(from: Array(#"{"items":[]}"#.utf8)) }
        #expect(throws: Ticket.JSONDecodingError.invalidField(path: "(top level)", expected: "an object")) {
            try Ticket(json: .array([]))
        }
    }
}

extension Ticket.JSONDecodingError {
    /// The path the error names, for the description check.
    fileprivate var path: String {
        switch self {
        case .invalidJSON: ""
        case .missingField(let path), .invalidField(let path, _): path
        }
    }
}
