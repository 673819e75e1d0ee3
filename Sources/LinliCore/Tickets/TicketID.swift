/// Ticket ids: `T-` and a zero-padded sequence number, `T-000042`.
public enum TicketID {
    /// The id for sequence number `number`.
    public static func make(_ number: Int) -> String {
        let digits = String(number)
        return "T-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// The sequence number of an id made by ``make(_:)``, if it is one.
    public static func number(of id: String) -> Int? {
        guard id.hasPrefix("T-") else { return nil }
        return Int(id.dropFirst(2))
    }
}
