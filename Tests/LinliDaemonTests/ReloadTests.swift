import Foundation
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

@Suite("Reload: SIGHUP puts new rules in force for the engine and the HTTP side; an invalid set is refused", .serialized)
struct ReloadTests {
    @Test("after SIGHUP Open311 lists the rules now on disk; a broken rule file is refused and the old set stays")
    func sighupReloadsRulesForHTTP() async throws {
        let broker = try await MosquittoBroker.start()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let rules = directory.file("rules")
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        for name in ["bins.yaml", "care.yaml", "devices.yaml", "gates.yaml"] {
            try FileManager.default.copyItem(
                atPath: Repository.configDirectory.appendingPathComponent("rules/\(name)").path,
                toPath: "\(rules)/\(name)"
            )
        }
        let port = try freeLoopbackPort()
        let serve = try ChildProcess.start(
            Repository.product("linli"),
            [
                "serve", "--broker", broker.url, "--db", directory.file("linli.sqlite"), "--http", "127.0.0.1:\(port)",
                "--sites", Repository.configDirectory.appendingPathComponent("sites").path, "--rules", rules,
            ],
            directory: URL(fileURLWithPath: directory.path),
            environment: ["LINLI_FEED_ENABLED": "false", "LINLI_MQTT_CLIENT_ID": "linli-reload-\(UUID().uuidString.prefix(6))"]
        )
        try await serve.waitForOutput(containing: "http listening", timeout: .seconds(30))
        try await serve.waitForOutput(containing: "ingesting", timeout: .seconds(30))
        let all = try await Self.serviceCodes(port: port)
        #expect(all.count == 12)
        #expect(all.contains("care-sos"))

        try FileManager.default.removeItem(atPath: "\(rules)/care.yaml")
        serve.send(SIGHUP)
        try await serve.waitForOutput(containing: "reloaded rules and sites", timeout: .seconds(30))
        let withoutCare = try await Self.serviceCodes(port: port)
        #expect(!withoutCare.contains("care-sos"))
        #expect(withoutCare.isSubset(of: all) && withoutCare.count < all.count)

        try "rules:\n  - id: broken\n    trigger: {}\n".write(toFile: "\(rules)/broken.yaml", atomically: true, encoding: .utf8)
        serve.send(SIGHUP)
        try await serve.waitForOutput(containing: "reload refused", timeout: .seconds(30))
        #expect(try await Self.serviceCodes(port: port) == withoutCare)

        serve.terminate()
        let stopped = await serve.finish(timeout: .seconds(30))
        #expect(stopped.status == 0, "linli serve did not stop cleanly: \(stopped.stderr)")
        await broker.stop()
    }

    /// The `service_code`s of Open311 `services.json`.
    static func serviceCodes(port: Int) async throws -> Set<String> {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/open311/v2/services.json"))
        let (data, response) = try await URLSession.shared.data(from: url)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let services = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return Set(services.compactMap { $0["service_code"] as? String })
    }
}
