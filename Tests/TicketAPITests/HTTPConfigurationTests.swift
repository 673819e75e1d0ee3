import Configuration
import LinliDaemon
import Testing
import TicketAPI

@Suite("The http, auth and feed configuration keys")
struct HTTPConfigurationTests {
    static func configuration(_ values: [String: String]) throws -> DaemonConfiguration {
        var entries: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in values {
            let content: ConfigContent = value == "true" || value == "false" ? .bool(value == "true") : .string(value)
            entries[AbsoluteConfigKey(ConfigKey(key))] = ConfigValue(content, isSecret: false)
        }
        return try DaemonConfiguration(reader: ConfigReader(providers: [InMemoryProvider(values: entries)]))
    }

    @Test("defaults: loopback port 8080, reads open on loopback, no tokens, the feed on, cleared after an hour")
    func defaults() throws {
        let configuration = try Self.configuration([:])
        #expect(configuration.http.enabled)
        #expect(configuration.http.address == "127.0.0.1:8080")
        let api = try configuration.http.apiConfiguration()
        #expect(api.host == "127.0.0.1")
        #expect(api.port == 8080)
        #expect(api.readAccess == .loopbackOnly)
        #expect(api.tokens.isEmpty)
        #expect(configuration.feed.enabled)
        #expect(configuration.feed.clearAfter == .seconds(3600))
        #expect(DaemonConfiguration().http.address == "127.0.0.1:0")
    }

    @Test("keys are read: address, read policy, tokens, feed")
    func keys() throws {
        let line = "care-desk:care:" + APIToken.hashText(of: "secret")
        let configuration = try Self.configuration([
            "http.address": "[::1]:9090",
            "http.read_requires_token": "true",
            "feed.enabled": "false",
            "feed.clear_after": "15m",
        ])
        let api = try configuration.http.apiConfiguration()
        #expect(api.host == "::1")
        #expect(api.port == 9090)
        #expect(api.readAccess == .tokenRequired)
        #expect(!configuration.feed.enabled)
        #expect(configuration.feed.clearAfter == .seconds(900))
        var withTokens = configuration
        withTokens.http.tokens = [line]
        #expect(try withTokens.http.apiConfiguration().tokens.map(\.name) == ["care-desk"])
    }

    @Test(
        "a bad value fails at start, naming its key",
        arguments: [
            (["http.address": "localhost"], "http.address"),
            (["http.address": "127.0.0.1:70000"], "http.address"),
            (["feed.clear_after": "soon"], "feed.clear_after"),
        ]
    )
    func badValues(values: [String: String], key: String) {
        #expect {
            _ = try Self.configuration(values)
        } throws: { error in
            "\(error)".contains("'\(key)'")
        }
    }

    @Test("a bad or duplicated token line is refused, naming auth.tokens and the entry, never the hash")
    func badTokens() {
        var configuration = DaemonConfiguration()
        let hash = APIToken.hashText(of: "x")
        configuration.http.tokens = ["ops:*:" + hash, "ops:care:" + hash]
        #expect(throws: DaemonConfigurationError.invalid(key: "auth.tokens", "entry 2: token name 'ops' is used twice")) {
            try configuration.validate()
        }
        configuration.http.tokens = ["ops:*:md5:abc"]
        #expect {
            try configuration.validate()
        } throws: { error in
            "\(error)".contains("entry 1") && !"\(error)".contains("abc")
        }
    }
}
