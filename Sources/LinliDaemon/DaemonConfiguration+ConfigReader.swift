public import Configuration
import SystemPackage

extension DaemonConfiguration {
    /// Reads the configuration, falling back to the defaults of ``init()`` for every missing key.
    ///
    /// Configuration keys:
    /// - `mqtt.url`, `mqtt.client_id`, `mqtt.username`, `mqtt.password` (secret), `mqtt.keep_alive`,
    ///   `mqtt.clean_session`, `mqtt.qos`, `mqtt.topics`, `mqtt.ca_file`, `mqtt.cert_file`, `mqtt.key_file`
    /// - `store.path`
    /// - `sites.dir`, `rules.dir`
    /// - `pipeline.batch_size`, `pipeline.dedup_capacity`, `pipeline.tick_ms`
    /// - Throws: when a value has the wrong type or is out of range, naming the key.
    public init(reader: ConfigReader) throws {
        self.init()
        let mqttReader = reader.scoped(to: "mqtt")
        mqtt.url = mqttReader.string(forKey: "url", default: mqtt.url)
        mqtt.clientID = mqttReader.string(forKey: "client_id", default: mqtt.clientID)
        mqtt.username = mqttReader.string(forKey: "username")
        mqtt.password = mqttReader.string(forKey: "password", isSecret: true)
        mqtt.keepAlive = mqttReader.int(forKey: "keep_alive", default: mqtt.keepAlive)
        mqtt.cleanSession = mqttReader.bool(forKey: "clean_session", default: mqtt.cleanSession)
        mqtt.qos = mqttReader.int(forKey: "qos", default: mqtt.qos)
        mqtt.topics = mqttReader.stringArray(forKey: "topics", default: mqtt.topics)
        mqtt.caFile = mqttReader.string(forKey: "ca_file")
        mqtt.certFile = mqttReader.string(forKey: "cert_file")
        mqtt.keyFile = mqttReader.string(forKey: "key_file")
        databasePath = reader.string(forKey: "store.path", default: databasePath)
        sitesDirectory = reader.string(forKey: "sites.dir", default: sitesDirectory)
        rulesDirectory = reader.string(forKey: "rules.dir", default: rulesDirectory)
        batchSize = reader.int(forKey: "pipeline.batch_size", default: batchSize)
        deduplicationCapacity = reader.int(forKey: "pipeline.dedup_capacity", default: deduplicationCapacity)
        tickInterval = .milliseconds(reader.int(forKey: "pipeline.tick_ms", default: 1000))
        try validate()
    }

    /// Reads flags (`overrides`, keyed like the file), then `LINLI_*` environment variables, then the YAML
    /// file, then the defaults.
    /// - Parameters:
    ///   - configFile: the YAML file; `nil` means `Config/linli.yaml`, which may then be missing.
    ///   - overrides: values from the command line, e.g. `["store.path": "x.sqlite"]`.
    public static func load(configFile: String?, overrides: [String: String]) async throws -> DaemonConfiguration {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in overrides {
            values[AbsoluteConfigKey(ConfigKey(key))] = ConfigValue(.string(value), isSecret: false)
        }
        let file = try await FileProvider<YAMLSnapshot>(
            filePath: FilePath(configFile ?? "Config/linli.yaml"),
            allowMissing: configFile == nil
        )
        let reader = ConfigReader(providers: [
            InMemoryProvider(name: "command line", values: values),
            EnvironmentVariablesProvider().prefixKeys(with: "linli"),
            file,
        ])
        return try DaemonConfiguration(reader: reader)
    }

    /// Checks ranges, naming the key that is wrong.
    public func validate() throws(DaemonConfigurationError) {
        guard [0, 1].contains(mqtt.qos) else { throw .invalid(key: "mqtt.qos", "must be 0 or 1, not \(mqtt.qos)") }
        guard mqtt.keepAlive >= 5 else {
            throw .invalid(key: "mqtt.keep_alive", "must be at least 5 seconds, not \(mqtt.keepAlive)")
        }
        guard !mqtt.topics.isEmpty else { throw .invalid(key: "mqtt.topics", "needs at least one topic filter") }
        guard batchSize >= 1 else { throw .invalid(key: "pipeline.batch_size", "must be at least 1") }
        guard deduplicationCapacity >= 1 else { throw .invalid(key: "pipeline.dedup_capacity", "must be at least 1") }
        guard tickInterval >= .milliseconds(10) else { throw .invalid(key: "pipeline.tick_ms", "must be at least 10") }
        guard !mqtt.clientID.isEmpty || mqtt.cleanSession else {
            throw .invalid(key: "mqtt.client_id", "a persistent session (clean_session false) needs a client id")
        }
    }
}

/// A configuration value that cannot be used.
public enum DaemonConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key and what is wrong with its value.
    case invalid(key: String, String)

    public var description: String {
        switch self {
        case .invalid(let key, let message): "configuration key '\(key)' \(message)"
        }
    }
}
