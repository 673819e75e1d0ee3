import LinliDaemon
import TestSupport
import TicketAPI

extension LiveDaemon {
    /// The whole daemon as the API tests use it: HTTP on a free port with the fixture tokens, and the ticket
    /// feed, clearing a resolved ticket's retained message `clearAfter` after resolution.
    static func startWithAPI(
        broker: MosquittoBroker? = nil,
        directory: TemporaryDirectory? = nil,
        clearAfter: Duration = .seconds(3600)
    ) async throws -> LiveDaemon {
        try await start(http: true, feed: true, broker: broker, directory: directory) { configuration in
            configuration.http.tokens = try APIFixtures.tokens().map(\.configurationLine)
            configuration.feed.clearAfter = clearAfter
        }
    }
}
