import Foundation
import Hummingbird
import LinliCore

/// `/healthz`, `/metrics` and the OpenAPI document.
///
/// `/healthz` and `/metrics` need no token: they say nothing about tickets, and probes and Prometheus
/// scrapers rarely carry one. Bind the server to loopback (the default) or firewall them when that matters.
struct OperationsController: Sendable {
    let operations: TicketAPIOperations
    let openAPIDocument: [UInt8]

    func register(on router: RouteRecorder) {
        router.get("/healthz") { _, _ in await health() }
        router.get("/metrics") { _, _ in await metrics() }
        router.get("/api/v1/openapi.yaml") { _, _ in
            Responses.bytes(openAPIDocument, contentType: "application/yaml; charset=utf-8")
        }
    }

    /// `{"status": "ok"|"unhealthy", "checks": {"broker": {"ok": true}, …}}`, 200 or 503.
    func health() async -> Response {
        let report = await operations.health()
        var checks = JSONObject()
        for check in report.checks {
            var object: JSONObject = ["ok": .bool(check.ok)]
            if let message = check.message { object["message"] = .string(message) }
            checks[check.name] = .object(object)
        }
        let body: JSONValue = .object([
            "status": .string(report.isHealthy ? "ok" : "unhealthy"),
            "checks": .object(checks),
        ])
        return Responses.json(body, status: report.isHealthy ? .ok : .serviceUnavailable)
    }

    /// The Prometheus text exposition.
    func metrics() async -> Response {
        Responses.bytes(Array(await operations.metrics().utf8), contentType: "text/plain; version=0.0.4; charset=utf-8")
    }

    /// The OpenAPI document shipped with the module.
    static func loadOpenAPIDocument() throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let data = FileManager.default.contents(atPath: url.path)
        else {
            throw TicketServerError.resourcesMissing("openapi.yaml")
        }
        return Array(data)
    }
}
