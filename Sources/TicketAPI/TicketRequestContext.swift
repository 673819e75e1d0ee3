import Hummingbird
import NIOCore

/// The request context of the ticket server: Hummingbird's core storage and whether the client is on the
/// loopback interface (for the read policy). Bodies are read by ``RequestBodyReader`` with the configured limit.
struct TicketRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    var coreContext: CoreRequestContextStorage
    /// Whether the client connected over the loopback interface.
    let isLoopbackClient: Bool

    /// Creates the context for a request arriving on `source`'s channel.
    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        isLoopbackClient = Self.isLoopback(source.channel.remoteAddress)
    }

    /// Whether `address` is 127.0.0.0/8, `::1` or an IPv4-mapped loopback address.
    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
