import Foundation

/// Base64 (RFC 4648, with padding) for capture lines and raw scenario payloads.
public enum Base64 {
    /// The bytes as base64 text.
    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// The bytes of base64 text; `nil` when it is not valid base64.
    public static func decode(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { [UInt8]($0) }
    }
}
