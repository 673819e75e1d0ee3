import Foundation

/// A throw-away CA and a server certificate for 127.0.0.1 / localhost, made with the `openssl` command, for TLS tests.
///
/// ```swift
/// let certificates = try await TestCertificates.make(in: directory)
/// let broker = try await MosquittoBroker.start(extraConfig: certificates.listenerConfig(port: tlsPort))
/// ```
public struct TestCertificates: Sendable {
    /// The CA certificate (PEM) that signed the server certificate.
    public let caFile: String
    /// The server certificate (PEM), valid for `IP:127.0.0.1` and `DNS:localhost`.
    public let certFile: String
    /// The server's unencrypted private key (PEM).
    public let keyFile: String
    /// The CA's unencrypted private key (PEM), to sign more certificates.
    public let caKeyFile: String

    /// Generates the CA and server certificate in `directory` (valid for one day).
    /// - Throws: ``MosquittoBrokerError/toolFailed(_:)`` when `openssl` is missing or fails.
    public static func make(in directory: TemporaryDirectory) async throws -> TestCertificates {
        let certificates = TestCertificates(
            caFile: directory.file("ca.crt"),
            certFile: directory.file("server.crt"),
            keyFile: directory.file("server.key"),
            caKeyFile: directory.file("ca.key")
        )
        let extensions = directory.file("server.ext")
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        let request = directory.file("server.csr")
        try await openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", certificates.caKeyFile, "-out", certificates.caFile,
            "-days", "1", "-subj", "/CN=Linli Test CA",
        ])
        try await openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", certificates.keyFile, "-out", request,
            "-subj", "/CN=localhost",
        ])
        try await openssl([
            "x509", "-req", "-in", request, "-CA", certificates.caFile, "-CAkey", certificates.caKeyFile, "-CAcreateserial",
            "-out", certificates.certFile, "-days", "1", "-extfile", extensions,
        ])
        return certificates
    }

    /// A client certificate (`client.crt`) and its key (`client.key`) for `commonName` in `directory`, signed by
    /// this CA (valid for one day).
    /// - Throws: ``MosquittoBrokerError/toolFailed(_:)`` when `openssl` is missing or fails.
    public func makeClientCertificate(
        in directory: TemporaryDirectory,
        commonName: String
    ) async throws -> (certFile: String, keyFile: String) {
        let key = directory.file("client.key")
        let request = directory.file("client.csr")
        let certificate = directory.file("client.crt")
        try await Self.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", "/CN=\(commonName)"])
        try await Self.openssl([
            "x509", "-req", "-in", request, "-CA", caFile, "-CAkey", caKeyFile, "-CAcreateserial", "-out", certificate,
            "-days", "1",
        ])
        return (certificate, key)
    }

    /// mosquitto configuration lines for a TLS listener on 127.0.0.1:`port` using these files.
    public func listenerConfig(port: Int) -> String {
        """
        listener \(port) 127.0.0.1
        cafile \(caFile)
        certfile \(certFile)
        keyfile \(keyFile)
        """
    }

    /// Runs `openssl` off the cooperative thread pool (see ``ChildProcess``).
    private static func openssl(_ arguments: [String]) async throws {
        let output: ChildProcess.Output
        do {
            output = try await ChildProcess.start(URL(fileURLWithPath: "/usr/bin/env"), ["openssl"] + arguments).finish()
        } catch {
            throw MosquittoBrokerError.toolFailed("could not run openssl (apt-get install openssl): \(error)")
        }
        guard output.status == 0 else {
            throw MosquittoBrokerError.toolFailed("openssl \(arguments.first ?? "") exited with status \(output.status): \(output.stderr)")
        }
    }
}
