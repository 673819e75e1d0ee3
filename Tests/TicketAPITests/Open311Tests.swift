import LinliCore
import Testing
import TicketAPI

@Suite("Open311 GeoReport v2 read side, checked against the spec's field lists", .timeLimit(.minutes(1)))
struct Open311Tests {
    /// GeoReport v2 "GET Service List" fields.
    static let serviceFields: Set<String> = [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group",
    ]
    /// GeoReport v2 "GET Service Requests" fields.
    static let requestFields: Set<String> = [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
        "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
        "address", "address_id", "zipcode", "lat", "long", "media_url",
    ]

    @Test("services.json lists one service per loaded rule with exactly the GeoReport fields")
    func services() async throws {
        let server = try await TestServer.shared()
        let reply = try await server.get("/open311/v2/services.json")
        #expect(reply.status == 200)
        let services = try #require(reply.json.array)
        let rules = try APIFixtures.rules()
        #expect(services.count == rules.rules.count)
        for (service, rule) in zip(services, rules.rules) {
            #expect(Set(service.object?.keys ?? []) == Self.serviceFields)
            #expect(service["service_code"]?.string == rule.id)
            #expect(service["service_name"]?.string == rule.name)
            #expect(service["description"]?.string == rule.summary)
            #expect(service["metadata"]?.bool == false)
            #expect(["realtime", "batch", "blackbox"].contains(service["type"]?.string ?? ""))
            #expect(service["group"]?.string == rule.team)
        }
    }

    @Test("requests.json maps every ticket to a GeoReport request with the documented mapping")
    func requestMapping() async throws {
        let server = try await TestServer.shared()
        let reply = try await server.get("/open311/v2/requests.json")
        #expect(reply.status == 200)
        let requests = try #require(reply.json.array)
        #expect(requests.count == 36)
        for request in requests {
            #expect(Set(request.object?.keys ?? []) == Self.requestFields)
            #expect(["open", "closed"].contains(request["status"]?.string ?? ""))
            #expect(RFC3339.parse(request["requested_datetime"]?.string ?? "") != nil)
        }
        let byID = Dictionary(uniqueKeysWithValues: requests.map { ($0["service_request_id"]?.string ?? "", $0) })
        let bin = try #require(byID["T-000001"])
        #expect(bin["status"]?.string == "open")
        #expect(bin["service_code"]?.string == "bin-full")
        #expect(bin["service_name"]?.string == "Bin full")
        #expect(bin["agency_responsible"]?.string == "sanitation")
        #expect(bin["address"]?.string == "Building 3, kitchen-waste station")
        #expect(bin["address_id"]?.string == "ZJ-B03-K")
        #expect(bin["lat"]?.number == 34.7466)
        #expect(bin["long"]?.number == 113.6253)
        #expect(bin["expected_datetime"]?.string == "2026-11-27T09:40:00Z")
        #expect(bin["requested_datetime"]?.string == "2026-11-27T07:40:00Z")
        #expect(bin["status_notes"]?.string == "open, not acknowledged yet")
        let care = try #require(byID["T-000003"])
        #expect(care["status"]?.string == "open")
        #expect(care["status_notes"]?.string == "acknowledged at 2026-11-27T07:05:00Z")
        #expect(care["address_id"]?.isNull == true)
        let gate = try #require(byID["T-000002"])
        #expect(gate["status_notes"]?.string == "open, not acknowledged yet; escalated to level 1")
        let manual = try #require(byID["T-000005"])
        #expect(manual["status"]?.string == "closed")
        #expect(manual["status_notes"]?.string == "resolved at 2026-11-27T06:00:00Z by hand: bin emptied")
        let auto = try #require(byID["T-000004"])
        #expect(auto["status_notes"]?.string?.hasSuffix("automatically: the condition cleared") == true)
    }

    @Test(
        "requests.json filters by id, service code, status, dates and jurisdiction",
        arguments: [
            ("service_request_id=T-000002,T-000005", ["T-000002", "T-000005"]),
            ("service_request_id=T-000002&status=closed", ["T-000002"]),
            ("service_code=bin-full,care-sos", ["T-000001", "T-000003", "T-000005"]),
            ("status=open", ["T-000001", "T-000002", "T-000003", "T-000006"]),
            ("status=closed&jurisdiction_id=beisan", ["T-000004", "T-000005"]),
            ("jurisdiction_id=beisan&status=open,closed", ["T-000004", "T-000005", "T-000006"]),
            ("start_date=2026-11-27T07:30:00Z&end_date=2026-11-27T08:00:00Z", ["T-000001", "T-000002", "T-000006"]),
            ("end_date=2026-11-25T00:00:00Z", [String]()),
        ]
    )
    func requestFilters(query: String, expected: [String]) async throws {
        let server = try await TestServer.shared()
        let reply = try await server.get("/open311/v2/requests.json?\(query)")
        #expect(reply.status == 200, "\(reply.text)")
        #expect(Set(TestServer.ids(reply)) == Set(expected))
    }

    @Test("requests/{id}.json is a one-element array; errors come as GeoReport error lists")
    func singleRequestAndErrors() async throws {
        let server = try await TestServer.shared()
        let one = try await server.get("/open311/v2/requests/T-000003.json")
        #expect(one.status == 200)
        #expect(TestServer.ids(one) == ["T-000003"])
        let missing = try await server.get("/open311/v2/requests/T-000999.json")
        #expect(missing.status == 404)
        #expect(missing.json.array?.first?["code"]?.number == 404)
        #expect(missing.json.array?.first?["description"]?.string == "no service request T-000999")
        let elsewhere = try await server.get("/open311/v2/requests/T-000003.json?jurisdiction_id=beisan")
        #expect(elsewhere.status == 404)
        let jurisdiction = try await server.get("/open311/v2/services.json?jurisdiction_id=atlantis")
        #expect(jurisdiction.status == 404)
        #expect(jurisdiction.json.array?.first?["description"]?.string?.contains("beisan, zijing") == true)
        let span = try await server.get(
            "/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-11-27T00:00:00Z"
        )
        #expect(span.status == 400)
        #expect(span.json.array?.first?["code"]?.number == 400)
        let status = try await server.get("/open311/v2/requests.json?status=pending")
        #expect(status.status == 400)
        #expect(status.json.array?.first?["description"]?.string?.contains("'status'") == true)
    }

    @Test("the mapping's key lists are the GeoReport field lists")
    func mappingKeys() {
        #expect(Set(Open311Mapping.serviceKeys) == Self.serviceFields)
        #expect(Set(Open311Mapping.requestKeys) == Self.requestFields)
        let ticket = APIFixtures.tickets()[0]
        #expect(Open311Mapping.request(ticket, rule: nil).keys == Open311Mapping.requestKeys)
        #expect(Open311Mapping.request(ticket, rule: nil)["service_name"]?.string == "bin-full")
    }
}
