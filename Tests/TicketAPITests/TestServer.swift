import AsyncHTTPClient
import Foundation
import LinliCore
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import TestSupport
import TicketAPI
import TicketStore

/// A real ``TicketServer`` on a free loopback port over a real SQLite file holding ``APIFixtures/tickets()``,
/// run in a service group, with a small HTTP client for the tests.
final class TestServer: Sendable {
    let directory: TemporaryDirectory
    let store: TicketStore
    let url: String
    let server: TicketServer
    let changes: Counter
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    /// Counts `ticketsChanged` calls.
    final class Counter: Sendable {
        private let value = Mutex(0)
        var count: Int { value.withLock { $0 } }
        func increment() { value.withLock { $0 += 1 } }
    }

    /// A response: status, headers, body.
    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSONValue { (try? JSONValue(parsing: body)) ?? .null }
        /// The API's error message.
        var errorMessage: String? { json["error"]?["message"]?.string }

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    /// Starts a server; `configure` adjusts the configuration (tokens are the fixture ones by default).
    static func start(
        tickets: [Ticket] = APIFixtures.tickets(),
        now: EventTime = APIFixtures.now,
        operations: TicketAPIOperations? = nil,
        configure: (inout TicketAPIConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        let directory = try TemporaryDirectory()
        let store = try TicketStore(
            path: directory.file("tickets.sqlite"),
            configuration: TicketStore.Configuration(durability: .normal)
        )
        try await APIFixtures.commit(tickets, to: store)
        var configuration = TicketAPIConfiguration()
        configuration.port = 0
        configuration.tokens = try APIFixtures.tokens()
        configure(&configuration)
        let changes = Counter()
        var hooks = operations ?? TicketAPIOperations()
        let forward = hooks.ticketsChanged
        hooks.ticketsChanged = {
            changes.increment()
            forward()
        }
        let port = Mutex<Int?>(nil)
        var logger = Logger(label: "ticket-api-test")
        logger.logLevel = .warning
        let rules = try APIFixtures.rules()
        let server = try TicketServer(
            configuration: configuration,
            store: store,
            rules: { rules },
            registry: try APIFixtures.registry(),
            operations: hooks,
            now: { now },
            logger: logger,
            onListening: { _, bound in port.withLock { $0 = bound } }
        )
        let group = ServiceGroup(services: [server], logger: logger)
        let running = Task { try await group.run() }
        // Patient: on two cores the whole suite runs at once, and other tests may hold the cooperative pool.
        let deadline = ContinuousClock.now + .seconds(40)
        while port.withLock({ $0 }) == nil {
            guard ContinuousClock.now < deadline else {
                running.cancel()
                throw TestServerError("the server did not start listening")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        let url = "http://127.0.0.1:\(port.withLock { $0 } ?? 0)"
        return TestServer(
            directory: directory,
            store: store,
            url: url,
            server: server,
            changes: changes,
            group: group,
            running: running
        )
    }

    /// One server over the fixture tickets, shared by the tests that only read (started on first use, kept
    /// for the test process; its directory is removed at exit). Tests that change tickets start their own.
    static func shared() async throws -> TestServer {
        try await sharedServer.value
    }

    private static let sharedServer = Task<TestServer, any Error> {
        let server = try await TestServer.start()
        sharedDirectory.withLock { $0 = server.directory.path }
        atexit {
            if let path = TestServer.sharedDirectory.withLock({ $0 }) {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        return server
    }

    private static let sharedDirectory = Mutex<String?>(nil)

    private init(
        directory: TemporaryDirectory,
        store: TicketStore,
        url: String,
        server: TicketServer,
        changes: Counter,
        group: ServiceGroup,
        running: Task<Void, any Error>
    ) {
        self.directory = directory
        self.store = store
        self.url = url
        self.server = server
        self.changes = changes
        self.group = group
        self.running = running
    }

    /// Stops the server gracefully, closes the store and removes the files.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
        try store.close()
        directory.remove()
    }

    /// The tests' HTTP client: redirects are not followed, so a 303 and its cookie can be seen. Lives as long
    /// as the test process.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        // Many tests talk to the shared server at once: no waiting for one of a handful of pooled connections.
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.timeout = .init(connect: .seconds(30), read: .seconds(30))
        return HTTPClient(configuration: configuration)
    }()

    /// Sends a request over a real socket.
    func request(
        _ method: String,
        _ path: String,
        token: String? = nil,
        body: [UInt8]? = nil,
        contentType: String = "application/json",
        headers: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: url + path)
        request.method = .RAW(value: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await Self.client.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Reply(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: Array(buffer.readableBytesView)
        )
    }

    /// `GET path`.
    func get(_ path: String, token: String? = nil, headers: [(String, String)] = []) async throws -> Reply {
        try await request("GET", path, token: token, headers: headers)
    }

    /// `POST path` with a JSON body.
    func post(_ path: String, token: String? = nil, json: String? = nil) async throws -> Reply {
        try await request("POST", path, token: token, body: json.map { Array($0.utf8) })
    }

    /// `POST path` with a form body.
    func postForm(_ path: String, _ fields: [(String, String)], headers: [(String, String)] = []) async throws -> Reply {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
            .joined(separator: "&")
        return try await request(
            "POST",
            path,
            body: Array(body.utf8),
            contentType: "application/x-www-form-urlencoded",
            headers: headers
        )
    }

    /// The ids of a `{"tickets": [...]}` or `[...]` reply.
    static func ids(_ reply: Reply) -> [String] {
        let array = reply.json["tickets"]?.array ?? reply.json.array ?? []
        return array.compactMap { $0["id"]?.string ?? $0["service_request_id"]?.string }
    }
}

/// A harness failure.
struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
