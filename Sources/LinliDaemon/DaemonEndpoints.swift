import Synchronization

/// Where a running daemon can be reached: the HTTP port it bound (the chosen one when configured with
/// port 0), for tests, scripts and the startup log.
public final class DaemonEndpoints: Sendable {
    private let http = Mutex<(host: String, port: Int)?>(nil)

    /// Creates an empty record.
    public init() {}

    /// The bound HTTP host and port, once the server accepts connections.
    public var httpAddress: (host: String, port: Int)? {
        http.withLock { $0 }
    }

    /// The base URL of the HTTP server, e.g. `http://127.0.0.1:8080`, once it accepts connections.
    public var httpURL: String? {
        httpAddress.map { address in
            let host = address.host.contains(":") ? "[\(address.host)]" : address.host
            return "http://\(host):\(address.port)"
        }
    }

    /// Waits (polling every 10 ms) until the HTTP server accepts connections, for up to `timeout`.
    /// - Throws: ``DaemonEndpointsError`` when it does not in time.
    public func waitForHTTP(timeout: Duration = .seconds(10)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let url = httpURL { return url }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw DaemonEndpointsError.httpNotListening
    }

    func setHTTP(host: String, port: Int) {
        http.withLock { $0 = (host, port) }
    }
}

/// A daemon endpoint did not come up.
public enum DaemonEndpointsError: Error, CustomStringConvertible {
    /// The HTTP server is disabled or did not bind in time.
    case httpNotListening

    public var description: String {
        "the HTTP server is not listening (http.enabled false, or it did not start in time)"
    }
}
