import Mosquitto
import TestSupport

/// A broker that admits only the user `ingest` with the password in its password file, which a test may change
/// before restarting the broker.
struct PasswordBroker {
    let broker: MosquittoBroker
    let directory: TemporaryDirectory

    /// The mosquitto password file.
    var passwordFile: String { directory.file("passwords") }

    /// Starts a broker whose password for `ingest` is `right`, with anonymous access off.
    static func start() async throws -> PasswordBroker {
        let directory = try TemporaryDirectory(prefix: "passwd")
        let passwordFile = directory.file("passwords")
        try await MosquittoBroker.writePasswordFile(at: passwordFile, username: "ingest", password: "right")
        let broker = try await MosquittoBroker.start(extraConfig: "password_file \(passwordFile)", allowAnonymous: false)
        return PasswordBroker(broker: broker, directory: directory)
    }

    /// A client configuration for `ingest` with `password`, speaking `version`.
    func configuration(version: MQTTConfiguration.ProtocolVersion, password: String) throws -> MQTTConfiguration {
        var configuration = try MQTTConfiguration(url: broker.url)
        configuration.protocolVersion = version
        configuration.username = "ingest"
        configuration.password = password
        return configuration
    }

    /// Sets the password of `ingest` (read by the broker at its next start).
    func setPassword(_ password: String) async throws {
        try await MosquittoBroker.writePasswordFile(at: passwordFile, username: "ingest", password: password)
    }
}
