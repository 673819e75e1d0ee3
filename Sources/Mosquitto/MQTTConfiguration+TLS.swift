extension MQTTConfiguration {
    /// TLS settings for an `mqtts` connection (applied with `mosquitto_tls_set`).
    ///
    /// With neither ``caFile`` nor ``caPath`` the operating system's trusted CA certificates are used.
    /// Encrypted private keys are not supported.
    public struct TLSConfiguration: Sendable, Hashable {
        /// A PEM file of CA certificates that may sign the broker's certificate.
        public var caFile: String?
        /// A directory of PEM CA certificates (hashed with `openssl rehash`).
        public var caPath: String?
        /// This client's PEM certificate, for brokers that require client certificates (with ``keyFile``).
        public var certFile: String?
        /// The unencrypted PEM private key of ``certFile``.
        public var keyFile: String?
        /// Whether the broker's certificate must name the host connected to. Turn off only for tests:
        /// without it anyone with a certificate from the same CA can impersonate the broker.
        public var verifyHostname: Bool

        /// Creates TLS settings; all files default to `nil` (system CAs, no client certificate).
        public init(
            caFile: String? = nil,
            caPath: String? = nil,
            certFile: String? = nil,
            keyFile: String? = nil,
            verifyHostname: Bool = true
        ) {
            self.caFile = caFile
            self.caPath = caPath
            self.certFile = certFile
            self.keyFile = keyFile
            self.verifyHostname = verifyHostname
        }
    }
}
