internal import CMosquitto

/// A libmosquitto return code (`MOSQ_ERR_*`) that was not success.
///
/// The static constants name the codes callers are likely to match; the description comes from
/// `mosquitto_strerror`. Match with `catch MosquittoError.noConnection { … }`.
///
/// ```swift
/// do {
///     try await client.publish(topic: "a/b", payload: [1], qos: .atMostOnce)
/// } catch MosquittoError.noConnection {
///     // QoS 0 messages are not queued while the broker is unreachable.
/// }
/// ```
public struct MosquittoError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The raw `MOSQ_ERR_*` value.
    public let code: Int32

    /// Wraps a raw `MOSQ_ERR_*` value.
    public init(code: Int32) {
        self.code = code
    }

    /// `MOSQ_ERR_NOMEM`: out of memory.
    public static let outOfMemory = MosquittoError(code: Int32(MOSQ_ERR_NOMEM.rawValue))
    /// `MOSQ_ERR_PROTOCOL`: protocol error while talking to the broker.
    public static let protocolError = MosquittoError(code: Int32(MOSQ_ERR_PROTOCOL.rawValue))
    /// `MOSQ_ERR_INVAL`: invalid arguments, such as a topic containing wildcards.
    public static let invalidArgument = MosquittoError(code: Int32(MOSQ_ERR_INVAL.rawValue))
    /// `MOSQ_ERR_NO_CONN`: the client is not connected.
    public static let noConnection = MosquittoError(code: Int32(MOSQ_ERR_NO_CONN.rawValue))
    /// `MOSQ_ERR_CONN_REFUSED`: the broker refused the connection.
    public static let connectionRefused = MosquittoError(code: Int32(MOSQ_ERR_CONN_REFUSED.rawValue))
    /// `MOSQ_ERR_CONN_LOST`: the connection to the broker was lost.
    public static let connectionLost = MosquittoError(code: Int32(MOSQ_ERR_CONN_LOST.rawValue))
    /// `MOSQ_ERR_TLS`: a TLS error.
    public static let tls = MosquittoError(code: Int32(MOSQ_ERR_TLS.rawValue))
    /// `MOSQ_ERR_PAYLOAD_SIZE`: the payload is too large.
    public static let payloadSize = MosquittoError(code: Int32(MOSQ_ERR_PAYLOAD_SIZE.rawValue))
    /// `MOSQ_ERR_NOT_SUPPORTED`: the feature is not supported (for example properties on MQTT 3.1.1).
    public static let notSupported = MosquittoError(code: Int32(MOSQ_ERR_NOT_SUPPORTED.rawValue))
    /// `MOSQ_ERR_AUTH`: authentication failed.
    public static let authentication = MosquittoError(code: Int32(MOSQ_ERR_AUTH.rawValue))
    /// `MOSQ_ERR_ACL_DENIED`: the broker denied access.
    public static let accessDenied = MosquittoError(code: Int32(MOSQ_ERR_ACL_DENIED.rawValue))
    /// `MOSQ_ERR_ERRNO`: a system call failed; `errno` held the detail when it happened.
    public static let systemCall = MosquittoError(code: Int32(MOSQ_ERR_ERRNO.rawValue))
    /// `MOSQ_ERR_EAI`: the host name could not be resolved.
    public static let hostLookup = MosquittoError(code: Int32(MOSQ_ERR_EAI.rawValue))
    /// `MOSQ_ERR_MALFORMED_UTF8`: a topic or string is not valid UTF-8.
    public static let malformedUTF8 = MosquittoError(code: Int32(MOSQ_ERR_MALFORMED_UTF8.rawValue))
    /// `MOSQ_ERR_KEEPALIVE`: the broker did not answer within the keep-alive interval.
    public static let keepAlive = MosquittoError(code: Int32(MOSQ_ERR_KEEPALIVE.rawValue))
    /// `MOSQ_ERR_OVERSIZE_PACKET`: the packet exceeds the broker's maximum packet size.
    public static let oversizePacket = MosquittoError(code: Int32(MOSQ_ERR_OVERSIZE_PACKET.rawValue))

    /// The libmosquitto message for the code, followed by the number.
    public var description: String {
        "\(String(cString: mosquitto_strerror(code))) (\(code))"
    }

    /// Throws when `returnCode` is not `MOSQ_ERR_SUCCESS`.
    static func check(_ returnCode: Int32) throws(MosquittoError) {
        if returnCode != Int32(MOSQ_ERR_SUCCESS.rawValue) {
            throw MosquittoError(code: returnCode)
        }
    }

    /// Matches any error that is a ``MosquittoError`` with the same code, so `catch MosquittoError.noConnection` works.
    public static func ~= (pattern: MosquittoError, error: any Error) -> Bool {
        (error as? MosquittoError)?.code == pattern.code
    }
}
