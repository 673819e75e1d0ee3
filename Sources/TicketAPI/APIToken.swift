import Crypto
import Foundation

/// A bearer token the HTTP API accepts, as configured: a name, the teams it may act for, and the SHA-256
/// hash of the secret (the secret itself is never stored).
///
/// In the configuration (`auth.tokens`) each token is one line `NAME:TEAMS:sha256:HEX`, where `TEAMS` is
/// `*` (every team) or team names joined by `+` (`care+security`), and `HEX` is the SHA-256 of the token
/// text in lower-case hex. `linli token new --name care-desk --teams care` makes a random token and prints
/// its line; `linli token hash` prints the hash of a token you already have.
///
/// ```swift
/// let token = try APIToken(configurationLine: "care-desk:care:sha256:9f86d081…")
/// token.allows(team: "care")   // true
/// ```
public struct APIToken: Sendable, Hashable {
    /// Which teams' tickets a token may act on.
    public enum Teams: Sendable, Hashable {
        /// Every team (`*`).
        case all
        /// Only these teams.
        case only(Set<String>)
    }

    /// Name of the token, recorded in ticket history as `api:NAME`; `[A-Za-z0-9._-]{1,64}`.
    public var name: String
    /// The teams it may act for.
    public var teams: Teams
    /// SHA-256 of the token text.
    public var hash: [UInt8]

    /// Creates a token from its parts.
    /// - Throws: ``APITokenError`` for a bad name, no teams or a hash that is not 32 bytes.
    public init(name: String, teams: Teams, hash: [UInt8]) throws(APITokenError) {
        guard Self.isValidName(name) else { throw .invalidName(name) }
        if case .only(let names) = teams, names.isEmpty || names.contains(where: { !Self.isValidName($0) }) {
            throw .invalidTeams(name: name)
        }
        guard hash.count == SHA256.byteCount else { throw .invalidHash(name: name) }
        self.name = name
        self.teams = teams
        self.hash = hash
    }

    /// Reads one `auth.tokens` line, `NAME:TEAMS:sha256:HEX`.
    /// - Throws: ``APITokenError`` naming what is wrong (never echoing the hash).
    public init(configurationLine line: String) throws(APITokenError) {
        let parts = line.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[2] == "sha256" else { throw .malformedLine }
        let name = String(parts[0])
        let teamText = String(parts[1])
        let teams: Teams =
            teamText == "*"
            ? .all : .only(Set(teamText.split(separator: "+", omittingEmptySubsequences: false).map(String.init)))
        guard let hash = Self.bytes(hex: String(parts[3])) else { throw .invalidHash(name: name) }
        try self.init(name: name, teams: teams, hash: hash)
    }

    /// The configuration line for this token: `NAME:TEAMS:sha256:HEX`.
    public var configurationLine: String {
        let teamText =
            switch teams {
            case .all: "*"
            case .only(let names): names.sorted().joined(separator: "+")
            }
        return "\(name):\(teamText):sha256:\(Self.hex(hash))"
    }

    /// Whether the token may act on a ticket of `team`.
    public func allows(team: String) -> Bool {
        switch teams {
        case .all: true
        case .only(let names): names.contains(team)
        }
    }

    /// The teams as text for messages: `*` or `care, security`.
    public var teamsDescription: String {
        switch teams {
        case .all: "*"
        case .only(let names): names.sorted().joined(separator: ", ")
        }
    }

    /// The SHA-256 of `token`'s UTF-8 bytes.
    public static func hash(of token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// The SHA-256 of `token` as configured: `sha256:HEX`.
    public static func hashText(of token: String) -> String {
        "sha256:" + hex(hash(of: token))
    }

    /// A new random token: 32 bytes from the system's secure generator, base64url without padding (43 characters).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Whether `name` can name a token or a team.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                    true
                default: false
                }
            }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let utf8 = Array(hex.lowercased().utf8)
        guard utf8.count.isMultiple(of: 2) else { return nil }
        func nibble(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}

/// Why an `auth.tokens` entry cannot be used; never contains the hash or a secret.
public enum APITokenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not `NAME:TEAMS:sha256:HEX`.
    case malformedLine
    /// The name is empty, too long or has characters other than letters, digits, `-`, `_`, `.`.
    case invalidName(String)
    /// The team list is empty or has a bad team name.
    case invalidTeams(name: String)
    /// The hash is not 64 hex digits.
    case invalidHash(name: String)
    /// Two tokens have the same name.
    case duplicateName(String)

    public var description: String {
        switch self {
        case .malformedLine:
            "a token must be written NAME:TEAMS:sha256:HEX (make one with `linli token new`)"
        case .invalidName(let name):
            "token name '\(name)' must be 1 to 64 letters, digits, '-', '_' or '.'"
        case .invalidTeams(let name):
            "token '\(name)' needs '*' or team names joined by '+'"
        case .invalidHash(let name):
            "token '\(name)' needs a SHA-256 hash of 64 hex digits (`linli token hash` prints it)"
        case .duplicateName(let name):
            "token name '\(name)' is used twice"
        }
    }
}
