import Foundation

/// A throw-away CA and a server certificate for 127.0.0.1 / localhost, made with the `openssl` command, for TLS tests.
///
/// ```swift
/// let certificates = try TestCertificates.make(in: directory)
/// let broker = try await MosquittoBroker.start(extraConfig: certificates.listenerConfig(port: tlsPort))
/// ```
public struct TestCertificates: Sendable {
    /// The CA certificate (PEM) that signed the server certificate.
    public let caFile: String
    /// The server certificate (PEM), valid for `IP:127.0.0.1` and `DNS:localhost`.
    public let certFile: String
    /// The server's unencrypted private key (PEM).
    public let keyFile: String

    /// Generates the CA and server certificate in `directory` (valid for one day).
    /// - Throws: ``MosquittoBrokerError/toolFailed(_:)`` when `openssl` is missing or fails.
    public static func make(in directory: TemporaryDirectory) throws -> TestCertificates {
        let certificates = TestCertificates(
            caFile: directory.file("ca.crt"),
            certFile: directory.file("server.crt"),
            keyFile: directory.file("server.key")
        )
        let extensions = directory.file("server.ext")
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        let caKey = directory.file("ca.key")
        let request = directory.file("server.csr")
        try openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", certificates.caFile,
            "-days", "1", "-subj", "/CN=Linli Test CA",
        ])
        try openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", certificates.keyFile, "-out", request,
            "-subj", "/CN=localhost",
        ])
        try openssl([
            "x509", "-req", "-in", request, "-CA", certificates.caFile, "-CAkey", caKey, "-CAcreateserial",
            "-out", certificates.certFile, "-days", "1", "-extfile", extensions,
        ])
        return certificates
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

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw MosquittoBrokerError.toolFailed("could not run openssl (apt-get install openssl): \(error)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MosquittoBrokerError.toolFailed("openssl \(arguments.first ?? "") exited with status \(process.terminationStatus)")
        }
    }
}
