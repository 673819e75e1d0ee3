public import LinliCore

extension ScenarioExpectations {
    /// The expectations as a table for people:
    ///
    /// ```
    /// RULE        SUBJECT            SITE    COUNT  SEVERITY  STATUS  LEVEL  OCCURRENCES
    /// bin-full    device:ZJ-B03-K    zijing  1      medium    open    0      2
    /// absent: bin-overheat, battery-low
    /// dead letters: 2
    /// ```
    ///
    /// A dash stands for a field not checked.
    public var table: String {
        var rows = [["RULE", "SUBJECT", "SITE", "COUNT", "SEVERITY", "STATUS", "LEVEL", "OCCURRENCES"]]
        for ticket in tickets {
            rows.append([
                ticket.rule, ticket.subject?.description ?? "-", ticket.site ?? "-", String(ticket.count),
                ticket.severity?.rawValue ?? "-", ticket.status?.rawValue ?? "-",
                ticket.escalationLevel.map(String.init) ?? "-", ticket.occurrences.map(String.init) ?? "-",
            ])
        }
        var lines: [String] = []
        if tickets.isEmpty {
            lines.append("no tickets expected")
        } else {
            let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                let cells = row.enumerated().map { column, cell in
                    column == row.count - 1 ? cell : cell.padding(toLength: widths[column] + 2)
                }
                lines.append(cells.joined())
            }
        }
        if exclusive { lines.append("no other tickets") }
        if !absent.isEmpty { lines.append("absent: " + absent.map(\.description).joined(separator: ", ")) }
        if let deadLetters { lines.append("dead letters: \(deadLetters)") }
        return lines.joined(separator: "\n")
    }

    /// The expectations as JSON (`snake_case` keys as in scenario files; fields not checked are left out):
    /// `{"tickets": [...], "absent": [...], "exclusive": false, "dead_letters": 2}`.
    public var jsonObject: JSONObject {
        var object = JSONObject()
        object["tickets"] = .array(
            tickets.map { ticket in
                var entry: JSONObject = ["rule": .string(ticket.rule), "count": .number(Double(ticket.count))]
                if let subject = ticket.subject { entry["subject"] = .string(subject.description) }
                if let site = ticket.site { entry["site"] = .string(site) }
                if let severity = ticket.severity { entry["severity"] = .string(severity.rawValue) }
                if let status = ticket.status { entry["status"] = .string(status.rawValue) }
                if let level = ticket.escalationLevel { entry["escalation_level"] = .number(Double(level)) }
                if let occurrences = ticket.occurrences { entry["occurrences"] = .number(Double(occurrences)) }
                return .object(entry)
            }
        )
        object["absent"] = .array(
            absent.map { absent in
                var entry: JSONObject = ["rule": .string(absent.rule)]
                if let subject = absent.subject { entry["subject"] = .string(subject.description) }
                if let site = absent.site { entry["site"] = .string(site) }
                return .object(entry)
            }
        )
        object["exclusive"] = .bool(exclusive)
        if let deadLetters { object["dead_letters"] = .number(Double(deadLetters)) }
        return object
    }
}

extension String {
    /// The string padded with spaces to `length` characters (never cut).
    fileprivate func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
