/// The three kinds of device the contract knows, as they appear in topics and the site registry.
public enum DeviceKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A waste-sorting bin with fill, contamination and temperature sensors.
    case bin
    /// An access gate with card, face, QR or code readers and a door sensor.
    case gate
    /// A home-care device of one elderly resident: check-in button, SOS pendant, fall or motion sensor.
    case care
}
