import Foundation

/// Base64 (RFC 4648, with padding) for capture lines and raw scenario payloads.
enum Base64 {
    /// The bytes as base64 text.
    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// The bytes of base64 text; `nil` when it is not valid base64.
    static func decode(_ text: String) -> [UInt8]? {
        Data(base64Encoded: text).map { [UInt8]($0) }
    }
}
