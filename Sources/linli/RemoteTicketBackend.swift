import AsyncHTTPClient
import Foundation
import LinliCore
import NIOCore
import NIOHTTP1
import TicketAPI

/// The tickets of a running daemon, through its HTTP API (`--server URL --token T`).
struct RemoteTicketBackend: TicketBackend {
    /// The base URL, without a trailing slash.
    let server: String
    /// The bearer token, when given.
    let token: String?

    /// Largest response read.
    static let maxResponseSize = 64 * 1024 * 1024
    /// Page size when listing everything.
    static let pageSize = 1000

    init(server: String, token: String?) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.token = token
    }

    func list(_ options: TicketListOptions) async throws -> [Ticket] {
        var tickets: [Ticket] = []
        var offset = options.offset ?? 0
        while true {
            let want = options.limit.map { min($0 - tickets.count, Self.pageSize) } ?? Self.pageSize
            guard want > 0 else { break }
            let items = options.queryItems + [("limit", String(want)), ("offset", String(offset))]
            let body = try await request("GET", "/api/v1/tickets", query: items)
            tickets += try Ticket.decodeArray(from: body)
            guard let next = try JSONValue(parsing: body)["next_offset"]?.number else { break }
            offset = Int(next)
        }
        return tickets
    }

    func show(id: String) async throws -> Ticket {
        try Ticket.decode(from: try await request("GET", "/api/v1/tickets/\(Self.escape(id))"))
    }

    func perform(_ action: TicketAction, id: String, note: String?, actor: String?) async throws -> Ticket {
        var object = JSONObject()
        if let note { object["note"] = .string(note) }
        if let actor { object["actor"] = .string(actor) }
        var writer = JSONWriter()
        writer.value(.object(object))
        let body = try await request("POST", "/api/v1/tickets/\(Self.escape(id))/\(action.rawValue)", body: writer.bytes)
        return try Ticket.decode(from: body)
    }

    func report(period: Ledger.Period?, days: Int?, site: String?, team: String?) async throws -> Ledger {
        var items: [(String, String)] = []
        if let period {
            items += [("from", RFC3339.format(period.from)), ("to", RFC3339.format(period.to))]
        } else if let days {
            items.append(("days", String(days)))
        }
        items += site.map { [("site", $0)] } ?? []
        items += team.map { [("team", $0)] } ?? []
        return try Ledger(json: try await request("GET", "/api/v1/report", query: items))
    }

    /// Sends a request and returns the body of a 2xx response.
    /// - Throws: ``TicketCommandError/server(status:message:)`` with the API's error message otherwise.
    private func request(
        _ method: String,
        _ path: String,
        query: [(String, String)] = [],
        body: [UInt8]? = nil
    ) async throws -> [UInt8] {
        var url = server + path
        if !query.isEmpty {
            url += "?" + query.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .RAW(value: method)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "linli-cli")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        } catch {
            throw TicketCommandError.refused("cannot reach \(server): \(error)")
        }
        let buffer = try await response.body.collect(upTo: Self.maxResponseSize)
        let bytes = Array(buffer.readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            let message = (try? JSONValue(parsing: bytes))?["error"]?["message"]?.string
            throw TicketCommandError.server(status: Int(response.status.code), message: message ?? response.status.reasonPhrase)
        }
        return bytes
    }

    /// Percent-encodes a path segment or query value.
    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
