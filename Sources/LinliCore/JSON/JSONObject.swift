/// A JSON object: its members in document order, with look-up by key.
///
/// Objects in Linli's payloads are small, so members are kept in an array (order preserved, one allocation)
/// and looked up by a linear scan. Keys are unique: the parser rejects duplicate keys.
public struct JSONObject: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// One `"key": value` pair.
    public struct Member: Sendable, Hashable {
        /// The key.
        public var key: String
        /// The value.
        public var value: JSONValue

        /// Creates a member.
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// The members, in document order.
    public var members: [Member]

    /// Creates an object from members (the caller keeps keys unique).
    public init(_ members: [Member] = []) {
        self.members = members
    }

    /// Creates an object from `key: value` pairs, in order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.members = elements.map { Member(key: $0.0, value: $0.1) }
    }

    public var startIndex: Int { members.startIndex }
    public var endIndex: Int { members.endIndex }
    public subscript(position: Int) -> Member { members[position] }

    /// The keys, in document order.
    public var keys: [String] { members.map(\.key) }

    /// The value for `key`, or `nil` when the object has no such member. Setting `nil` removes the member;
    /// setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            for member in members where member.key == key { return member.value }
            return nil
        }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }
}
