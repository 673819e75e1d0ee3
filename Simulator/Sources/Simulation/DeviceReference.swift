/// A device at a site.
public struct DeviceReference: Sendable, Hashable, CustomStringConvertible {
    /// Site id.
    public var site: String
    /// Device id.
    public var device: String

    /// Creates a reference.
    public init(site: String, device: String) {
        self.site = site
        self.device = device
    }

    /// `site/device`.
    public var description: String { "\(site)/\(device)" }
}
