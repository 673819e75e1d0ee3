import ArgumentParser
import Foundation

/// `--server URL --token T`: work through a running daemon's HTTP API instead of the local store.
struct ServerOptions: ParsableArguments {
    @Option(help: "Work through a daemon's HTTP API at this URL (e.g. http://127.0.0.1:8080) instead of the store.")
    var server: String?

    @Option(help: "Bearer token for --server (default: the LINLI_TOKEN environment variable).")
    var token: String?

    /// The token to send: `--token`, else `LINLI_TOKEN`.
    var resolvedToken: String? {
        token ?? ProcessInfo.processInfo.environment["LINLI_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func validate() throws {
        if let server {
            guard let url = URL(string: server), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--server '\(server)' must be an http:// or https:// URL")
            }
        } else if token != nil {
            throw ValidationError("--token needs --server")
        }
    }
}
