public import TicketAPI

extension DaemonConfiguration {
    /// The HTTP server: JSON API, Open311, board, `/healthz`, `/metrics`.
    public struct HTTP: Sendable {
        /// Whether `linli serve` serves HTTP at all.
        public var enabled = true
        /// The address `linli serve` binds when `http.address` is not set: loopback, port 8080.
        public static let defaultAddress = "127.0.0.1:8080"

        /// `HOST:PORT` to bind (`[::1]:8080` for IPv6); port 0 picks a free one (``Daemon/endpoints`` says
        /// which). Read from `http.address`, default ``defaultAddress``; a configuration made in code (tests,
        /// embedding) starts at `127.0.0.1:0`, so daemons in one process never fight over a port.
        public var address = "127.0.0.1:0"
        /// `nil`: reads are open on loopback and need a token elsewhere; `true`: always; `false`: never.
        public var readRequiresToken: Bool?
        /// Accepted tokens, one `NAME:TEAMS:sha256:HEX` line each (see ``TicketAPI/APIToken``).
        public var tokens: [String] = []

        /// Creates the defaults.
        public init() {}

        /// The host and port of ``address``.
        /// - Throws: ``DaemonConfigurationError`` naming `http.address`.
        public func hostAndPort() throws(DaemonConfigurationError) -> (host: String, port: Int) {
            var text = Substring(address)
            var host: Substring
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]") else { throw Self.badAddress(address) }
                host = text[text.index(after: text.startIndex)..<close]
                text = text[text.index(after: close)...]
                guard text.hasPrefix(":") else { throw Self.badAddress(address) }
                text = text.dropFirst()
            } else {
                guard let colon = text.lastIndex(of: ":") else { throw Self.badAddress(address) }
                host = text[..<colon]
                text = text[text.index(after: colon)...]
            }
            guard !host.isEmpty, !host.contains(" "), let port = Int(text), (0...65535).contains(port) else {
                throw Self.badAddress(address)
            }
            return (String(host), port)
        }

        /// The server's settings: address, read policy and parsed tokens.
        /// - Throws: ``DaemonConfigurationError`` naming `http.address` or `auth.tokens` and what is wrong.
        public func apiConfiguration() throws(DaemonConfigurationError) -> TicketAPIConfiguration {
            var configuration = TicketAPIConfiguration()
            (configuration.host, configuration.port) = try hostAndPort()
            configuration.readAccess =
                switch readRequiresToken {
                case nil: .loopbackOnly
                case true?: .tokenRequired
                case false?: .open
                }
            var names: Set<String> = []
            for (index, line) in tokens.enumerated() {
                do {
                    let token = try APIToken(configurationLine: line)
                    guard names.insert(token.name).inserted else { throw APITokenError.duplicateName(token.name) }
                    configuration.tokens.append(token)
                } catch {
                    throw .invalid(key: "auth.tokens", "entry \(index + 1): \(error)")
                }
            }
            return configuration
        }

        private static func badAddress(_ address: String) -> DaemonConfigurationError {
            .invalid(key: "http.address", "must be HOST:PORT with a port from 0 to 65535, not '\(address)'")
        }
    }
}
