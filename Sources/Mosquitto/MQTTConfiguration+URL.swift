extension MQTTConfiguration {
    /// Creates a configuration for the broker a URL names, with every other setting at its default.
    ///
    /// Accepts `mqtt://host[:port]` (plain TCP, default port 1883) and `mqtts://host[:port]` (TLS with the
    /// system's CA certificates, default port 8883); an IPv6 address goes in brackets (`mqtt://[::1]:1883`);
    /// a trailing `/` is allowed. Credentials in the URL are rejected: set ``username`` and ``password``,
    /// which are kept out of logs.
    ///
    /// ```swift
    /// let configuration = try MQTTConfiguration(url: "mqtt://127.0.0.1:1883")
    /// ```
    ///
    /// - Throws: ``MQTTError/invalidURL(_:reason:)`` naming what is wrong.
    public init(url: String) throws(MQTTError) {
        let endpoint = try Self.parseBrokerURL(url)
        self.init(host: endpoint.host, port: endpoint.port, tls: endpoint.tls ? TLSConfiguration() : nil)
    }

    /// Splits a broker URL into host, port and whether it asks for TLS.
    static func parseBrokerURL(_ url: String) throws(MQTTError) -> (host: String, port: Int, tls: Bool) {
        func fail(_ reason: String) -> MQTTError { .invalidURL(url, reason: reason) }

        guard let schemeEnd = url.firstRange(of: "://") else {
            throw fail("expected mqtt://host:port or mqtts://host:port")
        }
        let tls: Bool
        switch url[..<schemeEnd.lowerBound].lowercased() {
        case "mqtt": tls = false
        case "mqtts": tls = true
        case let other: throw fail("unsupported scheme '\(other)' (use mqtt or mqtts)")
        }
        var rest = url[schemeEnd.upperBound...]
        if rest.contains("?") || rest.contains("#") {
            throw fail("query and fragment are not supported")
        }
        if let slash = rest.firstIndex(of: "/") {
            guard rest[slash...] == "/" else { throw fail("a path is not supported") }
            rest = rest[..<slash]
        }
        if rest.contains("@") {
            throw fail("credentials in the URL are not supported; set username and password instead")
        }

        let host: Substring
        let portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw fail("unterminated IPv6 address") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.isEmpty {
                portText = nil
            } else if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else {
                throw fail("unexpected text after the IPv6 address")
            }
        } else if let colon = rest.firstIndex(of: ":") {
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
            if portText?.contains(":") == true { throw fail("an IPv6 address must be written in brackets") }
        } else {
            host = rest
            portText = nil
        }
        if host.isEmpty { throw fail("missing host") }

        let port: Int
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(portText),
                (1...65_535).contains(value)
            else {
                throw fail("port '\(portText)' is not a number in 1…65535")
            }
            port = value
        } else {
            port = tls ? 8883 : 1883
        }
        return (String(host), port, tls)
    }
}
