import Foundation

extension SiteRegistry {
    /// Keys a site file may have at its top level: those of `sites.md` v1.
    static let siteKeys: Set<String> = ["site", "name", "timezone", "accept_unregistered", "devices", "residents"]
    /// Keys a device entry may have.
    static let deviceKeys: Set<String> = ["id", "kind", "location", "lat", "long", "stream", "resident"]
    /// Keys a resident entry may have.
    static let residentKeys: Set<String> = ["id", "living_alone", "checkin_by"]
    /// The waste streams a bin can be for, in the order the contract lists them.
    static let wasteStreams = ["kitchen", "recyclable", "hazardous", "other"]

    /// Loads and validates site registry files (`Config/sites/*.yaml`, contract `sites.md`).
    ///
    /// Core does no I/O: the caller reads the files and passes their names (used in issues, and whose base
    /// name must equal the `site` id: `zijing.yaml` holds `site: zijing`) and contents. Every problem in every
    /// file is reported, each with file:line:column and a message naming the key and the offending value;
    /// the registry is returned only when there are none.
    ///
    /// Rules, beyond the YAML being well formed:
    /// - top level: `site` matches `[a-z0-9-]{1,32}` and the file's base name, and is defined by one file only;
    ///   `name` is non-empty; `timezone` is an IANA zone name (`Area/Location` such as `Asia/Shanghai`, or
    ///   `UTC`; abbreviations like `CST` and offsets like `GMT+8` are refused as ambiguous);
    ///   `accept_unregistered` is `true`/`false` (default `false`); `devices` and `residents` are lists.
    /// - devices: `id` matches `[A-Za-z0-9_-]{1,64}` and is unique within the site; `kind` is `bin`, `gate`
    ///   or `care`; `location` is non-empty; `lat` in -90...90 and `long` in -180...180, both or neither;
    ///   bins need `stream` (`kitchen`, `recyclable`, `hazardous`, `other`), which other kinds may not have;
    ///   care devices need `resident`, a resident registered in the same file, which other kinds may not have.
    /// - residents: `id` is pseudonymous, `R-` followed by 1 to 30 ASCII letters or digits (`R-0012`), and
    ///   unique within the site; `living_alone` is `true`/`false` (default `false`); `checkin_by`, optional,
    ///   is `"HH:MM"` from `00:00` to `23:59` (stored as minutes after midnight).
    /// - unknown keys are refused, naming the keys allowed, so a misspelt key never passes silently.
    /// A key written with no value (`lat:` or `lat: null`) counts as absent.
    ///
    /// ```swift
    /// let registry = try SiteRegistry.load(files: [("zijing.yaml", zijingText), ("beisan.yaml", beisanText)])
    /// registry.device("ZJ-B03-K", at: "zijing")?.stream   // "kitchen"
    /// ```
    ///
    /// - Parameter files: each file's name (a path is fine; only its last component counts) and contents.
    /// - Returns: the registry of every site in `files`.
    /// - Throws: ``ConfigurationError`` with every issue, in file order, then line and column order.
    public static func load(files: [(name: String, contents: String)]) throws(ConfigurationError) -> SiteRegistry {
        var issues: [ConfigurationIssue] = []
        var sites: [Site] = []
        var definedAt: [String: String] = [:]  // site id → "file:line:column" of its first definition
        for file in files {
            let reader = YAMLReader(file: file.name)
            if let root = reader.parse(file.contents) {
                let result = readSite(root, baseName: baseName(of: file.name), reader: reader)
                if let id = result.id {
                    if let first = definedAt[id.value] {
                        reader.report(id.node, "site: '\(id.value)' is already defined in \(first)")
                    } else {
                        definedAt[id.value] = "\(file.name):\(id.node.line):\(id.node.column)"
                    }
                }
                if let site = result.site, reader.issues.isEmpty {
                    sites.append(site)
                }
            }
            issues += reader.issues.enumerated().sorted { left, right in
                (left.element.line, left.element.column, left.offset)
                    < (right.element.line, right.element.column, right.offset)
            }.map(\.element)
        }
        guard issues.isEmpty else { throw ConfigurationError(issues: issues) }
        return SiteRegistry(sites: sites)
    }

    /// `Config/sites/zijing.yaml` → `zijing`.
    private static func baseName(of file: String) -> String {
        let last = file.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? file
        for suffix in [".yaml", ".yml"] where last.hasSuffix(suffix) {
            return String(last.dropLast(suffix.count))
        }
        return last
    }

    /// Reads one file's site; `id` is the site id when it is well formed, even if other parts are not.
    private static func readSite(
        _ root: YAMLReader.Node,
        baseName: String,
        reader: YAMLReader
    ) -> (site: Site?, id: (value: String, node: YAMLReader.Node)?) {
        guard let pairs = reader.mapping(root, what: "a site file") else { return (nil, nil) }
        reader.rejectUnknownKeys(pairs, known: siteKeys, what: "site file")
        let fields = present(pairs, reader: reader)

        var id: (value: String, node: YAMLReader.Node)?
        if let node = fields["site"], let text = requiredText(node, what: "site", reader: reader) {
            if !isSiteID(text) {
                reader.report(node, "site: '\(text)' must match [a-z0-9-]{1,32} (lower-case letters, digits, '-')")
            } else {
                if text != baseName {
                    reader.report(
                        node,
                        "site: '\(text)' must equal the file's base name '\(baseName)' "
                            + "(site '\(text)' lives in \(text).yaml)"
                    )
                }
                id = (text, node)
            }
        } else if fields["site"] == nil {
            reader.report(root, "missing required key 'site' (the site id, e.g. 'site: \(baseName)')")
        }

        var name: String?
        if let node = fields["name"] {
            name = requiredText(node, what: "name", reader: reader)
        } else {
            reader.report(root, "missing required key 'name' (the community's display name)")
        }

        var timeZone: String?
        if let node = fields["timezone"], let text = requiredText(node, what: "timezone", reader: reader) {
            if isIANATimeZone(text) {
                timeZone = text
            } else {
                reader.report(
                    node,
                    "timezone: '\(text)' is not an IANA time zone name such as 'Asia/Shanghai' "
                        + "(abbreviations and offsets are ambiguous)"
                )
            }
        } else if fields["timezone"] == nil {
            reader.report(root, "missing required key 'timezone' (an IANA zone such as 'Asia/Shanghai')")
        }

        var acceptUnregistered: Bool? = false
        if let node = fields["accept_unregistered"] {
            acceptUnregistered = reader.bool(node, what: "accept_unregistered")
        }

        var residents: [Resident] = []
        var residentIDs: Set<String> = []
        if let node = fields["residents"], let entries = reader.sequence(node, what: "residents") {
            var firstLine: [String: Int] = [:]
            for (index, entry) in entries.enumerated() {
                let read = readResident(entry, number: index + 1, reader: reader)
                guard let residentID = read.id else { continue }
                if let line = firstLine[residentID] {
                    reader.report(
                        read.idNode ?? entry,
                        "residents: id '\(residentID)' is registered twice (first at line \(line))"
                    )
                    continue
                }
                firstLine[residentID] = read.idNode?.line ?? entry.line
                residentIDs.insert(residentID)
                if let resident = read.resident { residents.append(resident) }
            }
        }

        var devices: [Device] = []
        if let node = fields["devices"], let entries = reader.sequence(node, what: "devices") {
            var firstLine: [String: Int] = [:]
            for (index, entry) in entries.enumerated() {
                let read = readDevice(entry, number: index + 1, residents: residentIDs, reader: reader)
                guard let deviceID = read.id else { continue }
                if let line = firstLine[deviceID] {
                    reader.report(
                        read.idNode ?? entry,
                        "devices: id '\(deviceID)' is registered twice in this site (first at line \(line))"
                    )
                    continue
                }
                firstLine[deviceID] = read.idNode?.line ?? entry.line
                if let device = read.device { devices.append(device) }
            }
        }

        guard let siteID = id?.value, let name, let timeZone, let acceptUnregistered else { return (nil, id) }
        let site = Site(
            id: siteID,
            name: name,
            timeZone: timeZone,
            acceptUnregistered: acceptUnregistered,
            devices: devices,
            residents: residents
        )
        return (site, id)
    }

    /// Reads one resident entry; `id` is set when the id is well formed, even if other fields are not.
    private static func readResident(
        _ entry: YAMLReader.Node,
        number: Int,
        reader: YAMLReader
    ) -> (resident: Resident?, id: String?, idNode: YAMLReader.Node?) {
        guard let pairs = reader.mapping(entry, what: "resident #\(number)") else { return (nil, nil, nil) }
        let fields = present(pairs, reader: reader)

        var id: String?
        if let node = fields["id"], let text = requiredText(node, what: "resident #\(number): id", reader: reader) {
            if isResidentID(text) {
                id = text
            } else {
                reader.report(
                    node,
                    "resident #\(number): id '\(text)' must be pseudonymous: 'R-' followed by 1 to 30 letters "
                        + "or digits, e.g. 'R-0012'"
                )
            }
        } else if fields["id"] == nil {
            reader.report(entry, "resident #\(number): missing required key 'id' (e.g. 'R-0012')")
        }
        let label = id.map { "resident '\($0)'" } ?? "resident #\(number)"
        reader.rejectUnknownKeys(pairs, known: residentKeys, what: label)

        var livingAlone: Bool? = false
        if let node = fields["living_alone"] {
            livingAlone = reader.bool(node, what: "\(label): living_alone")
        }

        var checkinBy: Int?
        var checkinValid = true
        if let node = fields["checkin_by"], let text = reader.string(node, what: "\(label): checkin_by") {
            checkinBy = minutesAfterMidnight(text)
            if checkinBy == nil {
                checkinValid = false
                reader.report(
                    node,
                    "\(label): checkin_by '\(text)' must be a local time \"HH:MM\" from 00:00 to 23:59, e.g. \"10:00\""
                )
            }
        } else if fields["checkin_by"] != nil {
            checkinValid = false
        }

        guard let id, let livingAlone, checkinValid else { return (nil, id, fields["id"]) }
        return (Resident(id: id, livingAlone: livingAlone, checkinBy: checkinBy), id, fields["id"])
    }

    /// Reads one device entry; `id` is set when the id is well formed, even if other fields are not.
    private static func readDevice(
        _ entry: YAMLReader.Node,
        number: Int,
        residents: Set<String>,
        reader: YAMLReader
    ) -> (device: Device?, id: String?, idNode: YAMLReader.Node?) {
        guard let pairs = reader.mapping(entry, what: "device #\(number)") else { return (nil, nil, nil) }
        let fields = present(pairs, reader: reader)
        var valid = true

        var id: String?
        if let node = fields["id"], let text = requiredText(node, what: "device #\(number): id", reader: reader) {
            if isDeviceID(text) {
                id = text
            } else {
                reader.report(
                    node,
                    "device #\(number): id '\(text)' must match [A-Za-z0-9_-]{1,64} (letters, digits, '_', '-')"
                )
            }
        } else if fields["id"] == nil {
            reader.report(entry, "device #\(number): missing required key 'id' (e.g. 'ZJ-B03-K')")
        }
        let label = id.map { "device '\($0)'" } ?? "device #\(number)"
        reader.rejectUnknownKeys(pairs, known: deviceKeys, what: label)

        var kind: DeviceKind?
        if let node = fields["kind"] {
            kind = reader.oneOf(node, DeviceKind.self, what: "\(label): kind")
        } else {
            reader.report(entry, "\(label): missing required key 'kind' (bin, gate or care)")
        }

        var location: String?
        if let node = fields["location"] {
            location = requiredText(node, what: "\(label): location", reader: reader)
        } else {
            reader.report(entry, "\(label): missing required key 'location' (e.g. 'Building 3, unit 2')")
        }

        let lat = coordinate(fields["lat"], key: "lat", limit: 90, label: label, reader: reader)
        let long = coordinate(fields["long"], key: "long", limit: 180, label: label, reader: reader)
        if lat.given != long.given {
            let (given, missing) = lat.given ? ("lat", "long") : ("long", "lat")
            reader.report(
                fields[given] ?? entry,
                "\(label): '\(given)' is given without '\(missing)'; give both or neither"
            )
            valid = false
        }
        valid = valid && lat.valid && long.valid

        var stream: String?
        if let node = fields["stream"] {
            if let text = reader.string(node, what: "\(label): stream") {
                if let kind, kind != .bin {
                    valid = false
                    reader.report(node, "\(label): stream '\(text)' is only for bins, not for kind '\(kind.rawValue)'")
                } else if wasteStreams.contains(text) {
                    stream = text
                } else {
                    valid = false
                    reader.report(
                        node,
                        "\(label): stream must be one of \(wasteStreams.joined(separator: ", ")), not '\(text)'"
                    )
                }
            } else {
                valid = false
            }
        } else if kind == .bin {
            valid = false
            reader.report(
                entry,
                "\(label): missing required key 'stream' for a bin (\(wasteStreams.joined(separator: ", ")))"
            )
        }

        var resident: String?
        if let node = fields["resident"] {
            if let text = reader.string(node, what: "\(label): resident") {
                if let kind, kind != .care {
                    valid = false
                    reader.report(
                        node,
                        "\(label): resident '\(text)' is only for care devices, not for kind '\(kind.rawValue)'"
                    )
                } else if !isResidentID(text) {
                    valid = false
                    reader.report(
                        node,
                        "\(label): resident '\(text)' must be a pseudonymous resident id such as 'R-0012'"
                    )
                } else if !residents.contains(text) {
                    valid = false
                    reader.report(
                        node,
                        "\(label): resident '\(text)' is not a registered resident of this site "
                            + "(add it under residents)"
                    )
                } else {
                    resident = text
                }
            } else {
                valid = false
            }
        } else if kind == .care {
            valid = false
            reader.report(entry, "\(label): missing required key 'resident' for a care device (e.g. 'R-0012')")
        }

        guard valid, let id, let kind, let location else { return (nil, id, fields["id"]) }
        let device = Device(
            id: id,
            kind: kind,
            location: location,
            lat: lat.value,
            long: long.value,
            stream: stream,
            resident: resident
        )
        return (device, id, fields["id"])
    }

    /// Required keys whose null value is reported where it is written ("must not be empty"), not as missing.
    static let requiredKeys: Set<String> = ["site", "name", "timezone", "id", "kind", "location"]

    /// The value nodes of `pairs` by key, leaving out optional keys whose value is null (they count as absent).
    private static func present(
        _ pairs: [(key: String, keyNode: YAMLReader.Node, value: YAMLReader.Node)],
        reader: YAMLReader
    ) -> [String: YAMLReader.Node] {
        var fields: [String: YAMLReader.Node] = [:]
        for pair in pairs
        where fields[pair.key] == nil && (requiredKeys.contains(pair.key) || !reader.isNull(pair.value)) {
            fields[pair.key] = pair.value
        }
        return fields
    }

    /// A required, non-empty string; reports otherwise.
    private static func requiredText(_ node: YAMLReader.Node, what: String, reader: YAMLReader) -> String? {
        guard let text = reader.string(node, what: what) else { return nil }
        guard !reader.isNull(node), !text.allSatisfy(\.isWhitespace) else {
            reader.report(node, "\(what) must not be empty")
            return nil
        }
        return text
    }

    /// An optional coordinate within -limit...limit.
    private static func coordinate(
        _ node: YAMLReader.Node?,
        key: String,
        limit: Double,
        label: String,
        reader: YAMLReader
    ) -> (value: Double?, given: Bool, valid: Bool) {
        guard let node else { return (nil, false, true) }
        guard let value = reader.number(node, what: "\(label): \(key)") else { return (nil, true, false) }
        guard (-limit...limit).contains(value) else {
            let text = reader.string(node, what: key) ?? "\(value)"
            let bound = Int(limit)
            reader.report(node, "\(label): \(key) must be between -\(bound) and \(bound), not \(text)")
            return (nil, true, false)
        }
        return (value, true, true)
    }

    /// `[a-z0-9-]{1,32}`.
    static func isSiteID(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        return (1...32).contains(scalars.count)
            && scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// `[A-Za-z0-9_-]{1,64}`.
    static func isDeviceID(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        return (1...64).contains(scalars.count)
            && scalars.allSatisfy { isASCIIAlphanumeric($0) || $0 == "_" || $0 == "-" }
    }

    /// `R-[A-Za-z0-9]{1,30}`: pseudonymous, so no spaces or punctuation that would let a name in.
    static func isResidentID(_ text: String) -> Bool {
        guard text.hasPrefix("R-") else { return false }
        let rest = text.unicodeScalars.dropFirst(2)
        return (1...30).contains(rest.count) && rest.allSatisfy(isASCIIAlphanumeric)
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// An IANA zone name Foundation knows: `Area/Location` (`Asia/Shanghai`, `Etc/GMT-8`) or `UTC`.
    ///
    /// Foundation also accepts abbreviations (`CST`, which is China Standard Time to some and US Central to
    /// others) and offsets (`GMT+8`); those have no place in a registry, so they are refused.
    static func isIANATimeZone(_ text: String) -> Bool {
        guard text == "UTC" || text.contains("/") else { return false }
        return TimeZone(identifier: text) != nil
    }

    /// `"HH:MM"`, 00:00...23:59, as minutes after midnight; `nil` otherwise.
    static func minutesAfterMidnight(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...23).contains(hours), (0...59).contains(minutes)
        else { return nil }
        return hours * 60 + minutes
    }
}
