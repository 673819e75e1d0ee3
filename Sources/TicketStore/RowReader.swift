import GRDB
import LinliCore

/// Reads a stored row's columns into Core values, turning every value that does not decode into
/// ``TicketStoreError/corrupt(_:)`` naming the table, the row and the column (never the value).
struct RowReader {
    /// The row.
    let row: Row
    /// The table it comes from, for messages.
    let table: String
    /// Which row, for messages (e.g. the ticket id).
    let key: String

    /// The non-null value of `column`.
    func value<Value: DatabaseValueConvertible>(
        _ column: String,
        as type: Value.Type = Value.self
    ) throws(TicketStoreError) -> Value {
        do {
            return try row.decode(Value.self, forColumn: column)
        } catch {
            throw corrupt(column, "is missing, NULL or not \(Value.self)")
        }
    }

    /// The value of `column`, `nil` when NULL.
    func optional<Value: DatabaseValueConvertible>(
        _ column: String,
        as type: Value.Type = Value.self
    ) throws(TicketStoreError) -> Value? {
        do {
            return try row.decode(Value?.self, forColumn: column)
        } catch {
            throw corrupt(column, "is not \(Value.self)")
        }
    }

    /// The non-null time (milliseconds) in `column`.
    func time(_ column: String) throws(TicketStoreError) -> EventTime {
        EventTime(milliseconds: try value(column, as: Int64.self))
    }

    /// The time (milliseconds) in `column`, `nil` when NULL.
    func optionalTime(_ column: String) throws(TicketStoreError) -> EventTime? {
        try optional(column, as: Int64.self).map(EventTime.init(milliseconds:))
    }

    /// The non-null `Int` in `column`.
    func int(_ column: String) throws(TicketStoreError) -> Int {
        let wide = try value(column, as: Int64.self)
        guard let narrow = Int(exactly: wide) else { throw corrupt(column, "is out of range") }
        return narrow
    }

    /// The raw value in `column` of a string-backed Core enum.
    func rawValue<Value: RawRepresentable<String>>(
        _ column: String,
        as type: Value.Type = Value.self
    ) throws(TicketStoreError) -> Value {
        guard let value = Value(rawValue: try self.value(column, as: String.self)) else {
            throw corrupt(column, "is not a known \(Value.self)")
        }
        return value
    }

    /// The error for a `column` that does not decode, and why.
    func corrupt(_ column: String, _ problem: String) -> TicketStoreError {
        .corrupt("\(table) \(key): column \(column) \(problem)")
    }
}
