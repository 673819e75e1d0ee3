import Yams

/// Reads one YAML file as nodes that remember where they came from, collecting every problem found.
///
/// Loaders (site registry, rules) walk the document with ``YAMLReader/Node`` accessors; each accessor
/// records an issue with file:line:column and returns `nil` instead of throwing, so one pass reports every
/// problem in the file.
public final class YAMLReader {
    /// The file name used in issues.
    public let file: String
    /// Problems found so far.
    public private(set) var issues: [ConfigurationIssue] = []

    /// A YAML node and its position.
    public struct Node {
        /// The Yams node.
        let node: Yams.Node
        /// Line of the node (1-based, 0 if unknown).
        public var line: Int { node.mark?.line ?? 0 }
        /// Column of the node (1-based, 0 if unknown).
        public var column: Int { node.mark?.column ?? 0 }
    }

    /// Creates a reader for one file.
    public init(file: String) {
        self.file = file
    }

    /// Parses `text`; on a syntax error records it (with its position) and returns `nil`.
    public func parse(_ text: String) -> Node? {
        do {
            // The basic resolver: scalars keep their text (the loaders read numbers and booleans themselves),
            // and Yams does not run its tag regular expressions on every scalar, which made a registry of
            // 100,000 devices take seconds to load.
            guard let node = try Yams.compose(yaml: text, .basic) else {
                report(line: 1, column: 1, "the file is empty")
                return nil
            }
            return Node(node: node)
        } catch let error as YamlError {
            reportSyntax(error)
            return nil
        } catch {
            report(line: 0, column: 0, "cannot read YAML: \(error)")
            return nil
        }
    }

    private func reportSyntax(_ error: YamlError) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            report(line: mark.line, column: mark.column, "YAML syntax: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            report(line: context.mark.line, column: context.mark.column, "duplicate key \(keys) in one mapping")
        default:
            report(line: 0, column: 0, "YAML: \(error)")
        }
    }

    /// Records a problem at a node.
    public func report(_ node: Node, _ message: String) {
        report(line: node.line, column: node.column, message)
    }

    /// Records a problem at a position.
    public func report(line: Int, column: Int, _ message: String) {
        issues.append(ConfigurationIssue(file: file, line: line, column: column, message: message))
    }

    /// The node as a mapping of key to (key node, value node), keeping file order; reports otherwise.
    public func mapping(_ node: Node, what: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node.node else {
            report(node, "\(what) must be a mapping")
            return nil
        }
        var pairs: [(key: String, keyNode: Node, value: Node)] = []
        var seen: Set<String> = []
        for (key, value) in mapping {
            guard let name = key.string else {
                report(Node(node: key), "\(what): keys must be strings")
                continue
            }
            if !seen.insert(name).inserted {
                report(Node(node: key), "\(what): duplicate key '\(name)'")
            }
            pairs.append((name, Node(node: key), Node(node: value)))
        }
        return pairs
    }

    /// Whether the node is an explicit or empty null (`key:`, `key: ~`, `key: null`), which loaders treat as
    /// an absent key. Quoted scalars (`key: ""`) are strings, never null.
    public func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node.node, scalar.style == .plain || scalar.style == .any else {
            return false
        }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The node as a sequence; reports otherwise.
    public func sequence(_ node: Node, what: String) -> [Node]? {
        guard case .sequence(let sequence) = node.node else {
            report(node, "\(what) must be a list")
            return nil
        }
        return sequence.map { Node(node: $0) }
    }

    /// The node as a plain string scalar; reports otherwise.
    public func string(_ node: Node, what: String) -> String? {
        guard case .scalar(let scalar) = node.node else {
            report(node, "\(what) must be a string")
            return nil
        }
        return scalar.string
    }

    /// The node as a number; reports otherwise.
    public func number(_ node: Node, what: String) -> Double? {
        guard case .scalar(let scalar) = node.node, let value = Double(scalar.string), value.isFinite else {
            report(node, "\(what) must be a number")
            return nil
        }
        return value
    }

    /// The node as an integer; reports otherwise.
    public func integer(_ node: Node, what: String) -> Int? {
        guard case .scalar(let scalar) = node.node, let value = Int(scalar.string) else {
            report(node, "\(what) must be a whole number")
            return nil
        }
        return value
    }

    /// The node as `true` or `false`; reports otherwise.
    public func bool(_ node: Node, what: String) -> Bool? {
        guard case .scalar(let scalar) = node.node else {
            report(node, "\(what) must be true or false")
            return nil
        }
        switch scalar.string {
        case "true", "True", "TRUE", "yes": return true
        case "false", "False", "FALSE", "no": return false
        default:
            report(node, "\(what) must be true or false, not '\(scalar.string)'")
            return nil
        }
    }

    /// The node as a string that must be one of `allowed`; reports otherwise.
    public func oneOf<Value: RawRepresentable & CaseIterable>(
        _ node: Node,
        _ type: Value.Type,
        what: String
    ) -> Value? where Value.RawValue == String {
        guard let text = string(node, what: what) else { return nil }
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
            report(node, "\(what) must be one of \(allowed), not '\(text)'")
            return nil
        }
        return value
    }

    /// Reports every key of `pairs` not in `known`, so a misspelt key never passes silently.
    public func rejectUnknownKeys(
        _ pairs: [(key: String, keyNode: Node, value: Node)],
        known: Set<String>,
        what: String
    ) {
        for pair in pairs where !known.contains(pair.key) {
            let expected = known.sorted().joined(separator: ", ")
            report(pair.keyNode, "\(what): unknown key '\(pair.key)' (expected one of: \(expected))")
        }
    }
}
