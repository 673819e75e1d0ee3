import Foundation
import LinliCore
internal import OrderedCollections
import Testing

@Suite("Site registry loading")
struct SiteRegistryTests {
    /// `Config/sites`, found from this file's path so the test reads the files the daemon ships.
    static let sitesDirectory = URL(filePath: #filePath)
        .deletingLastPathComponent()  // LinliCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appending(path: "Config/sites")

    /// Every `*.yaml` in `Config/sites`, as the daemon would pass them to the loader.
    static func shippedFiles() throws -> [(name: String, contents: String)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: sitesDirectory.path(percentEncoded: false))
            .filter { $0.hasSuffix(".yaml") }
            .sorted()
        return try names.map { name in
            (name, try String(contentsOf: sitesDirectory.appending(path: name), encoding: .utf8))
        }
    }

    /// The issues `files` produce; none, and a recorded failure, when they load.
    static func issues(
        _ files: [(name: String, contents: String)],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [ConfigurationIssue] {
        let error = #expect(throws: ConfigurationError.self, sourceLocation: sourceLocation) {
            try SiteRegistry.load(files: files)
        }
        return error?.issues ?? []
    }

    @Test("the shipped site files load and hold the devices the contract names")
    func shippedFilesLoad() throws {
        let files = try Self.shippedFiles()
        #expect(files.map(\.name).contains("zijing.yaml"))
        #expect(files.map(\.name).contains("beisan.yaml"))
        let registry = try SiteRegistry.load(files: files)

        let zijing = try #require(registry[site: "zijing"])
        #expect(zijing.name == "Zijing Compound")
        #expect(zijing.timeZone == "Asia/Shanghai")
        #expect(zijing.acceptUnregistered == false)

        let bin = try #require(registry.device("ZJ-B03-K", at: "zijing"))
        #expect(bin.kind == .bin)
        #expect(bin.stream == "kitchen")
        #expect(bin.lat != nil && bin.long != nil)

        let gate = try #require(registry.device("ZJ-G01", at: "zijing"))
        #expect(gate.kind == .gate)
        #expect(gate.location == "North gate")

        let pendant = try #require(registry.device("ZJ-C-0012", at: "zijing"))
        #expect(pendant.kind == .care)
        #expect(pendant.resident == "R-0012")
        #expect(registry.device("ZJ-C-0012-M", at: "zijing")?.resident == "R-0012")

        let resident = try #require(registry.resident("R-0012", at: "zijing"))
        #expect(resident.livingAlone)
        #expect(resident.checkinBy == 600)

        #expect(zijing.residents.count == 36)
        for stream in ["K", "R", "H", "O"] {
            #expect(registry.device("ZJ-B03-\(stream)", at: "zijing")?.kind == .bin)
        }
        #expect(zijing.devices.values.filter { $0.kind == .gate }.count == 4)

        let beisan = try #require(registry[site: "beisan"])
        #expect(beisan.timeZone == "Asia/Shanghai")
        #expect(beisan.devices.keys.allSatisfy { $0.hasPrefix("BS-") })
        #expect(beisan.devices.values.contains { $0.kind == .bin })
        #expect(beisan.devices.values.contains { $0.kind == .gate })
        #expect(beisan.devices.values.contains { $0.kind == .care })
        #expect((8...12).contains(beisan.residents.count))

        for site in registry.sites.values {
            for device in site.devices.values where device.kind == .care {
                #expect(device.resident.flatMap { site.residents[$0] } != nil, "\(device.id) has no resident")
            }
        }
    }

    @Test("a minimal file loads with the documented defaults")
    func defaults() throws {
        let yaml = """
            site: test-1
            name: Test
            timezone: UTC
            devices:
              - id: T_G1
                kind: gate
                location: Gate
                lat:
              - id: T-C-1
                kind: care
                location: Flat 1
                resident: R-1
            residents:
              - id: R-1
              - id: R-2
                living_alone: true
                checkin_by: "00:00"
              - id: R-3
                checkin_by: "23:59"
            """
        let registry = try SiteRegistry.load(files: [("Config/sites/test-1.yml", yaml)])
        let site = try #require(registry[site: "test-1"])
        #expect(site.acceptUnregistered == false)
        #expect(site.devices["T_G1"] == Device(id: "T_G1", kind: .gate, location: "Gate"))
        #expect(site.residents["R-1"] == Resident(id: "R-1", livingAlone: false, checkinBy: nil))
        #expect(site.residents["R-2"] == Resident(id: "R-2", livingAlone: true, checkinBy: 0))
        #expect(site.residents["R-3"]?.checkinBy == 23 * 60 + 59)
    }

    /// One broken file and the issue it must produce.
    struct Broken: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var file = "zijing.yaml"
        var yaml: String
        var line: Int
        /// `nil` when the column is not meaningful.
        var column: Int?
        /// Text the message must contain: the key and the value.
        var fragments: [String]
        /// Issues expected in all, so a single mistake does not cascade.
        var count = 1
    }

    static let header = """
        site: zijing
        name: Zijing
        timezone: Asia/Shanghai
        """

    static let broken: [Broken] = [
        Broken(
            testDescription: "bad site id",
            file: "Zijing_1.yaml",
            yaml: "site: Zijing_1\nname: Z\ntimezone: Asia/Shanghai\n",
            line: 1,
            column: 7,
            fragments: ["site", "'Zijing_1'", "[a-z0-9-]{1,32}"]
        ),
        Broken(
            testDescription: "site id that is not the file's base name",
            file: "Config/sites/beisan.yaml",
            yaml: header,
            line: 1,
            column: 7,
            fragments: ["site", "'zijing'", "base name 'beisan'"]
        ),
        Broken(
            testDescription: "time zone that does not exist",
            yaml: "site: zijing\nname: Z\ntimezone: Asia/Zhengzhou\n",
            line: 3,
            column: 11,
            fragments: ["timezone", "'Asia/Zhengzhou'", "IANA"]
        ),
        Broken(
            testDescription: "ambiguous time zone abbreviation",
            yaml: "site: zijing\nname: Z\ntimezone: CST\n",
            line: 3,
            column: 11,
            fragments: ["timezone", "'CST'"]
        ),
        Broken(
            testDescription: "missing time zone",
            yaml: "site: zijing\nname: Z\n",
            line: 1,
            column: 1,
            fragments: ["missing required key 'timezone'"]
        ),
        Broken(
            testDescription: "name written with no value",
            yaml: "site: zijing\nname:\ntimezone: Asia/Shanghai\n",
            line: 2,
            column: nil,
            fragments: ["name must not be empty"]
        ),
        Broken(
            testDescription: "duplicate device id",
            yaml: header + """

                devices:
                  - id: ZJ-G01
                    kind: gate
                    location: North gate
                  - id: ZJ-G01
                    kind: gate
                    location: South gate
                """,
            line: 8,
            column: 9,
            fragments: ["id", "'ZJ-G01'", "twice", "line 5"]
        ),
        Broken(
            testDescription: "bad device id",
            yaml: header + "\ndevices:\n  - id: ZJ G01\n    kind: gate\n    location: North gate\n",
            line: 5,
            column: 9,
            fragments: ["id", "'ZJ G01'", "[A-Za-z0-9_-]{1,64}"]
        ),
        Broken(
            testDescription: "bad device kind",
            yaml: header + "\ndevices:\n  - id: ZJ-G01\n    kind: door\n    location: North gate\n",
            line: 6,
            column: 11,
            fragments: ["device 'ZJ-G01'", "kind", "'door'", "bin, gate, care"]
        ),
        Broken(
            testDescription: "bin without stream",
            yaml: header + "\ndevices:\n  - id: ZJ-B03-K\n    kind: bin\n    location: Building 3\n",
            line: 5,
            column: 5,
            fragments: ["device 'ZJ-B03-K'", "'stream'"]
        ),
        Broken(
            testDescription: "bin with an unknown stream",
            yaml: header + "\ndevices:\n  - id: ZJ-B03-K\n    kind: bin\n    location: B3\n    stream: food\n",
            line: 8,
            column: 13,
            fragments: ["stream", "'food'", "kitchen, recyclable, hazardous, other"]
        ),
        Broken(
            testDescription: "stream on a gate",
            yaml: header + "\ndevices:\n  - id: ZJ-G01\n    kind: gate\n    location: North\n    stream: other\n",
            line: 8,
            column: 13,
            fragments: ["stream", "'other'", "only for bins", "gate"]
        ),
        Broken(
            testDescription: "care device without resident",
            yaml: header + "\ndevices:\n  - id: ZJ-C-0012\n    kind: care\n    location: Building 5\n",
            line: 5,
            column: 5,
            fragments: ["device 'ZJ-C-0012'", "'resident'"]
        ),
        Broken(
            testDescription: "care device with an unregistered resident",
            yaml: header + """

                devices:
                  - id: ZJ-C-0012
                    kind: care
                    location: Building 5
                    resident: R-0099
                residents:
                  - id: R-0012
                """,
            line: 8,
            column: 15,
            fragments: ["resident", "'R-0099'", "not a registered resident"]
        ),
        Broken(
            testDescription: "resident id that is not pseudonymous",
            yaml: header + "\nresidents:\n  - id: Zhang San\n",
            line: 5,
            column: 9,
            fragments: ["id", "'Zhang San'", "R-"]
        ),
        Broken(
            testDescription: "duplicate resident id",
            yaml: header + "\nresidents:\n  - id: R-0012\n  - id: R-0012\n",
            line: 6,
            column: 9,
            fragments: ["'R-0012'", "twice", "line 5"]
        ),
        Broken(
            testDescription: "check-in hour out of range",
            yaml: header + "\nresidents:\n  - id: R-0012\n    checkin_by: \"25:00\"\n",
            line: 6,
            column: 17,
            fragments: ["resident 'R-0012'", "checkin_by", "'25:00'", "HH:MM"]
        ),
        Broken(
            testDescription: "check-in time not written HH:MM",
            yaml: header + "\nresidents:\n  - id: R-0012\n    checkin_by: 9am\n",
            line: 6,
            column: 17,
            fragments: ["checkin_by", "'9am'", "HH:MM"]
        ),
        Broken(
            testDescription: "living_alone that is not a boolean",
            yaml: header + "\nresidents:\n  - id: R-0012\n    living_alone: sometimes\n",
            line: 6,
            column: 19,
            fragments: ["living_alone", "'sometimes'"]
        ),
        Broken(
            testDescription: "latitude out of range",
            yaml: header + "\ndevices:\n  - id: ZJ-G01\n    kind: gate\n    location: North\n"
                + "    lat: 91.5\n    long: 113.68\n",
            line: 8,
            column: 10,
            fragments: ["lat", "91.5", "-90 and 90"]
        ),
        Broken(
            testDescription: "latitude without longitude",
            yaml: header + "\ndevices:\n  - id: ZJ-G01\n    kind: gate\n    location: North\n    lat: 34.7\n",
            line: 8,
            column: 10,
            fragments: ["'lat'", "without 'long'"]
        ),
        Broken(
            testDescription: "empty location",
            yaml: header + "\ndevices:\n  - id: ZJ-G01\n    kind: gate\n    location: \"\"\n",
            line: 7,
            column: 15,
            fragments: ["location", "empty"]
        ),
        Broken(
            testDescription: "unknown device key",
            yaml: header + "\ndevices:\n  - id: ZJ-G01\n    kind: gate\n    location: North\n    lng: 113.68\n",
            line: 8,
            column: 5,
            fragments: ["device 'ZJ-G01'", "unknown key 'lng'", "long"]
        ),
        Broken(
            testDescription: "unknown top-level key",
            yaml: header + "\nacceptUnregistered: true\n",
            line: 4,
            column: 1,
            fragments: ["unknown key 'acceptUnregistered'", "accept_unregistered"]
        ),
        Broken(
            testDescription: "YAML syntax error, at its position",
            yaml: header + "\ndevices:\n  - id: [ZJ-G01\n    kind: gate\n",
            line: 6,
            column: 9,
            fragments: ["YAML syntax", "']'"]
        ),
        Broken(
            testDescription: "YAML tab indentation, at its position",
            yaml: header + "\ndevices:\n\t- id: ZJ-G01\n",
            line: 5,
            column: 1,
            fragments: ["YAML syntax", "cannot start any token"]
        ),
        Broken(
            testDescription: "YAML duplicate key, at its position",
            yaml: header + "\nname: Again\n",
            line: 2,
            column: 1,
            fragments: ["duplicate key 'name'"]
        ),
        Broken(
            testDescription: "empty file",
            yaml: "",
            line: 1,
            column: 1,
            fragments: ["empty"]
        ),
    ]

    @Test("a broken file is refused with the issue at its line, naming the key", arguments: broken)
    func brokenFile(_ case: Broken) {
        let issues = Self.issues([(`case`.file, `case`.yaml)])
        let found = issues.contains { issue in
            issue.file == `case`.file && issue.line == `case`.line
                && (`case`.column == nil || issue.column == `case`.column)
                && `case`.fragments.allSatisfy { issue.message.contains($0) }
        }
        #expect(found, "expected \(`case`.line):\(`case`.column ?? 0) \(`case`.fragments); got:\n\(issues)")
        #expect(issues.count == `case`.count, "got:\n\(issues)")
    }

    @Test("every problem in a file is reported, in line order")
    func severalProblems() {
        let yaml = """
            site: zijing
            name: Zijing
            timezone: Asia/Zhengzhou
            accept_unregistered: maybe
            devices:
              - id: ZJ-B03-K
                kind: bin
                location: Building 3
              - id: ZJ-G01
                kind: gat
                location: North gate
                lat: 134.7
                long: 113.68
              - id: ZJ-C-0012
                kind: care
                location: Building 5
                resident: R-0013
                colour: red
            residents:
              - id: R-0012
                checkin_by: "9:00"
            """
        let issues = Self.issues([("zijing.yaml", yaml)])
        let expected: [(line: Int, fragment: String)] = [
            (3, "timezone: 'Asia/Zhengzhou'"),
            (4, "accept_unregistered must be true or false, not 'maybe'"),
            (6, "device 'ZJ-B03-K': missing required key 'stream'"),
            (10, "device 'ZJ-G01': kind must be one of bin, gate, care, not 'gat'"),
            (12, "device 'ZJ-G01': lat must be between -90 and 90, not 134.7"),
            (17, "device 'ZJ-C-0012': resident 'R-0013' is not a registered resident"),
            (18, "device 'ZJ-C-0012': unknown key 'colour'"),
            (21, "resident 'R-0012': checkin_by '9:00'"),
        ]
        #expect(issues.count == expected.count, "got:\n\(issues)")
        for (issue, expectation) in zip(issues, expected) {
            #expect(issue.file == "zijing.yaml")
            #expect(issue.line == expectation.line, "\(issue)")
            #expect(issue.message.contains(expectation.fragment), "\(issue)")
        }
    }

    @Test("problems in several files are all reported, with each file's name")
    func severalFiles() {
        let issues = Self.issues([
            ("zijing.yaml", "site: zijing\nname: Z\ntimezone: Mars/Olympus\n"),
            ("beisan.yaml", "site: beisan\nname: B\n"),
        ])
        #expect(
            issues.map(\.description) == [
                "zijing.yaml:3:11: timezone: 'Mars/Olympus' is not an IANA time zone name such as 'Asia/Shanghai' "
                    + "(abbreviations and offsets are ambiguous)",
                "beisan.yaml:1:1: missing required key 'timezone' (an IANA zone such as 'Asia/Shanghai')",
            ]
        )
    }

    @Test("the same site id in two files is reported at the second")
    func duplicateSite() {
        let yaml = "site: zijing\nname: Z\ntimezone: Asia/Shanghai\n"
        let issues = Self.issues([("east/zijing.yaml", yaml), ("west/zijing.yaml", yaml)])
        #expect(issues.count == 1)
        #expect(issues.first?.file == "west/zijing.yaml")
        #expect(issues.first?.line == 1)
        #expect(issues.first?.message.contains("'zijing' is already defined in east/zijing.yaml:1:7") == true)
    }

    @Test("a device entry stays 96 bytes: a registry of 100,000 devices holds one per device")
    func deviceLayout() {
        #expect(MemoryLayout<Device>.stride == 96)
    }
}
