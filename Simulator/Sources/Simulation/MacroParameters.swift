import LinliCore
internal import OrderedCollections

/// Reads one macro's parameters, reporting problems under the macro's name.
struct MacroParameters {
    /// The loader whose reader collects issues.
    let loader: ScenarioLoader
    /// The macro name, used in messages.
    let name: String
    /// The macro's value node, where "missing key" issues point.
    let node: YAMLReader.Node
    /// The parameters given (null values left out).
    let fields: [String: YAMLReader.Node]
    /// The site the macro acts at.
    let site: String
    /// False once a parameter was wrong.
    private(set) var valid = true

    /// Creates a parameter reader.
    init(loader: ScenarioLoader, name: String, node: YAMLReader.Node, fields: [String: YAMLReader.Node], site: String) {
        self.loader = loader
        self.name = name
        self.node = node
        self.fields = fields
        self.site = site
    }

    private var reader: YAMLReader { loader.reader }

    /// The required `device`, registered at the site and of one of `kinds`.
    mutating func device(kinds: [DeviceKind]) -> Device? {
        guard let deviceNode = fields["device"] else {
            reader.report(node, "\(name): missing required key 'device'")
            valid = false
            return nil
        }
        let device = loader.device(deviceNode, site: site, kinds: kinds, what: "\(name): device")
        if device == nil { valid = false }
        return device
    }

    /// The `device` if given, else the site's first registered device by id.
    mutating func deviceOrFirst() -> Device? {
        if fields["device"] != nil { return device(kinds: DeviceKind.allCases) }
        guard let first = loader.registry[site: site]?.devices.values.min(by: { $0.id < $1.id }) else {
            reader.report(node, "\(name): site '\(site)' has no devices; give 'device'")
            valid = false
            return nil
        }
        return first
    }

    /// The required `resident`, registered at the site.
    mutating func resident() -> Resident? {
        guard let residentNode = fields["resident"] else {
            reader.report(node, "\(name): missing required key 'resident'")
            valid = false
            return nil
        }
        let resident = loader.resident(residentNode, site: site, what: "\(name): resident")
        if resident == nil { valid = false }
        return resident
    }

    /// A care device and its resident, from `resident` (its first care device by id), `device`, or both
    /// (which must agree).
    mutating func careDevice() -> (device: Device, resident: String)? {
        let residentNode = fields["resident"]
        let deviceNode = fields["device"]
        guard residentNode != nil || deviceNode != nil else {
            reader.report(node, "\(name): needs 'resident' (or 'device', a care device)")
            valid = false
            return nil
        }
        let resident = residentNode.flatMap { loader.resident($0, site: site, what: "\(name): resident") }
        let device = deviceNode.flatMap { loader.device($0, site: site, kinds: [.care], what: "\(name): device") }
        if (residentNode != nil && resident == nil) || (deviceNode != nil && device == nil) {
            valid = false
            return nil
        }
        switch (resident, device) {
        case (let resident?, let device?):
            guard device.resident == resident.id else {
                reader.report(
                    deviceNode ?? node,
                    "\(name): device '\(device.id)' belongs to resident '\(device.resident ?? "none")', not '\(resident.id)'"
                )
                valid = false
                return nil
            }
            return (device, resident.id)
        case (nil, let device?):
            guard let owner = device.resident else {
                valid = false
                return nil
            }
            return (device, owner)
        case (let resident?, nil):
            let devices = loader.registry[site: site]?.devices.values.filter { $0.resident == resident.id } ?? []
            guard let device = devices.min(by: { $0.id < $1.id }) else {
                reader.report(residentNode ?? node, "\(name): resident '\(resident.id)' has no care device at '\(site)'")
                valid = false
                return nil
            }
            return (device, resident.id)
        case (nil, nil):
            return nil
        }
    }

    /// A positive duration, or `defaultValue` when not given.
    mutating func duration(_ key: String, default defaultValue: Duration) -> Duration? {
        guard let valueNode = fields[key] else { return defaultValue }
        let value = loader.positiveDuration(valueNode, what: "\(name): \(key)")
        if value == nil { valid = false }
        return value
    }

    /// An optional positive duration: `nil` when not given, or when wrong (then ``valid`` is `false`).
    mutating func optionalDuration(_ key: String) -> Duration? {
        guard let valueNode = fields[key] else { return nil }
        let value = loader.positiveDuration(valueNode, what: "\(name): \(key)")
        if value == nil { valid = false }
        return value
    }

    /// A whole number of at least `minimum`, or `defaultValue`.
    mutating func integer(_ key: String, default defaultValue: Int, minimum: Int) -> Int? {
        guard let valueNode = fields[key] else { return defaultValue }
        let value = loader.integer(valueNode, what: "\(name): \(key)", minimum: minimum)
        if value == nil { valid = false }
        return value
    }

    /// A number in `range`, or `defaultValue`.
    mutating func number(_ key: String, default defaultValue: Double, range: ClosedRange<Double>) -> Double? {
        guard let valueNode = fields[key] else { return defaultValue }
        let value = loader.number(valueNode, what: "\(name): \(key)", in: range)
        if value == nil { valid = false }
        return value
    }

    /// One of `options`, or `defaultValue`.
    mutating func choice(_ key: String, options: [String], default defaultValue: String) -> String? {
        guard let valueNode = fields[key] else { return defaultValue }
        let value = loader.choice(valueNode, what: "\(name): \(key)", options: options)
        if value == nil { valid = false }
        return value
    }

    /// `readings: [55, 78, 93]`, each in `range`, or `defaultValue`.
    mutating func readings(default defaultValue: [Double], range: ClosedRange<Double>) -> [Double]? {
        guard let valueNode = fields["readings"] else { return defaultValue }
        guard let entries = reader.sequence(valueNode, what: "\(name): readings") else {
            valid = false
            return nil
        }
        guard !entries.isEmpty else {
            reader.report(valueNode, "\(name): readings must list at least one reading")
            valid = false
            return nil
        }
        var readings: [Double] = []
        for entry in entries {
            guard let value = loader.number(entry, what: "\(name): a reading", in: range) else {
                valid = false
                continue
            }
            readings.append(value)
        }
        return valid ? readings : nil
    }

    /// The required `kind` of a malformed payload.
    mutating func malformedKind() -> MalformedKind? {
        guard let kindNode = fields["kind"] else {
            let kinds = MalformedKind.allCases.map(\.rawValue).joined(separator: ", ")
            reader.report(node, "\(name): missing required key 'kind' (\(kinds))")
            valid = false
            return nil
        }
        let kind = reader.oneOf(kindNode, MalformedKind.self, what: "\(name): kind")
        if kind == nil { valid = false }
        return kind
    }
}
