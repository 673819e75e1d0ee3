public import Configuration
import LinliCore
import SystemPackage

extension DaemonConfiguration {
    /// Reads the configuration, falling back to the defaults of ``init()`` for every missing key.
    ///
    /// Configuration keys:
    /// - `mqtt.url`, `mqtt.client_id`, `mqtt.username`, `mqtt.password` (secret), `mqtt.keep_alive`,
    ///   `mqtt.clean_session`, `mqtt.qos`, `mqtt.topics`, `mqtt.ca_file`, `mqtt.cert_file`, `mqtt.key_file`,
    ///   `mqtt.inbound_capacity`
    /// - `journal.dir` (default: the store path + `.inbox`), `journal.segment_bytes`, `journal.fsync`
    /// - `store.path`
    /// - `sites.dir`, `rules.dir`
    /// - `pipeline.batch_size`, `pipeline.commit_delay_ms`, `pipeline.dedup_capacity`, `pipeline.tick_ms`
    /// - `pipeline.clock` (`wall` or `event`), `pipeline.lateness`, `pipeline.future_tolerance` (durations
    ///   such as `1h`, `5m`)
    /// - `http.enabled`, `http.address` (`HOST:PORT`), `http.read_requires_token` (unset: reads open on
    ///   loopback only; `true`; `false`)
    /// - `auth.tokens` (secret): lines `NAME:TEAMS:sha256:HEX`, TEAMS `*` or names joined by `+`; make one with
    ///   `linli token new --name NAME --teams TEAMS`, or hash a token you have with `linli token hash`
    /// - `feed.enabled`, `feed.clear_after` (a duration), `feed.client_id`
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
        mqtt.inboundCapacity = mqttReader.int(forKey: "inbound_capacity", default: mqtt.inboundCapacity)
        journal.directory = reader.string(forKey: "journal.dir")
        journal.segmentBytes = reader.int(forKey: "journal.segment_bytes", default: journal.segmentBytes)
        journal.synchronous = reader.bool(forKey: "journal.fsync", default: journal.synchronous)
        databasePath = reader.string(forKey: "store.path", default: databasePath)
        sitesDirectory = reader.string(forKey: "sites.dir", default: sitesDirectory)
        rulesDirectory = reader.string(forKey: "rules.dir", default: rulesDirectory)
        batchSize = reader.int(forKey: "pipeline.batch_size", default: batchSize)
        commitDelay = .milliseconds(reader.int(forKey: "pipeline.commit_delay_ms", default: Int(commitDelay / .milliseconds(1))))
        deduplicationCapacity = reader.int(forKey: "pipeline.dedup_capacity", default: deduplicationCapacity)
        tickInterval = .milliseconds(reader.int(forKey: "pipeline.tick_ms", default: 1000))
        let clockText = reader.string(forKey: "pipeline.clock", default: clock.rawValue)
        guard let clock = Clock(rawValue: clockText) else {
            throw DaemonConfigurationError.invalid(key: "pipeline.clock", "must be wall or event, not '\(clockText)'")
        }
        self.clock = clock
        lateness = try Self.duration(reader, "pipeline.lateness", default: lateness)
        futureTolerance = try Self.duration(reader, "pipeline.future_tolerance", default: futureTolerance)
        http.enabled = reader.bool(forKey: "http.enabled", default: http.enabled)
        http.address = reader.string(forKey: "http.address", default: HTTP.defaultAddress)
        http.readRequiresToken = reader.bool(forKey: "http.read_requires_token")
        http.tokens = reader.stringArray(forKey: "auth.tokens", isSecret: true, default: http.tokens)
        feed.enabled = reader.bool(forKey: "feed.enabled", default: feed.enabled)
        feed.clearAfter = try Self.duration(reader, "feed.clear_after", default: feed.clearAfter)
        feed.clientID = reader.string(forKey: "feed.client_id")
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
            // Flags arrive as text; `true`/`false` are booleans (as the environment provider reads them).
            let content: ConfigContent = value == "true" || value == "false" ? .bool(value == "true") : .string(value)
            values[AbsoluteConfigKey(ConfigKey(key))] = ConfigValue(content, isSecret: false)
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

    /// A duration written as text (`90s`, `5m`, `1h`).
    private static func duration(_ reader: ConfigReader, _ key: String, default value: Duration) throws -> Duration {
        guard let text = reader.string(forKey: ConfigKey(key)) else { return value }
        guard let duration = Duration(text: text) else {
            throw DaemonConfigurationError.invalid(key: key, "must be a duration such as 90s, 5m or 1h, not '\(text)'")
        }
        return duration
    }

    /// Checks ranges, naming the key that is wrong.
    public func validate() throws(DaemonConfigurationError) {
        if http.enabled { _ = try http.apiConfiguration() }
        guard feed.clearAfter >= .zero else { throw .invalid(key: "feed.clear_after", "must not be negative") }
        guard [0, 1].contains(mqtt.qos) else { throw .invalid(key: "mqtt.qos", "must be 0 or 1, not \(mqtt.qos)") }
        guard mqtt.keepAlive >= 5 else {
            throw .invalid(key: "mqtt.keep_alive", "must be at least 5 seconds, not \(mqtt.keepAlive)")
        }
        guard !mqtt.topics.isEmpty else { throw .invalid(key: "mqtt.topics", "needs at least one topic filter") }
        guard batchSize >= 1 else { throw .invalid(key: "pipeline.batch_size", "must be at least 1") }
        guard commitDelay >= .zero, commitDelay <= .seconds(10) else {
            throw .invalid(key: "pipeline.commit_delay_ms", "must be between 0 and 10000")
        }
        guard deduplicationCapacity >= 1 else { throw .invalid(key: "pipeline.dedup_capacity", "must be at least 1") }
        guard mqtt.inboundCapacity >= 1 else { throw .invalid(key: "mqtt.inbound_capacity", "must be at least 1") }
        guard journal.segmentBytes >= 4096 else {
            throw .invalid(key: "journal.segment_bytes", "must be at least 4096, not \(journal.segmentBytes)")
        }
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
