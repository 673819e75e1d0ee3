/// A small, fast, seeded pseudo-random generator (Steele, Lea and Flood's SplitMix64).
///
/// The simulator draws every random choice from one of these, so a seed fixes a run byte for byte on every
/// platform: unlike `SystemRandomNumberGenerator`, the sequence depends only on the seed.
///
/// ```swift
/// var random = SplitMix64(seed: 42)
/// let reading = Double.random(in: 0..<100, using: &random)
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The generator's whole state: the next output is a function of it alone.
    public private(set) var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// Creates a generator for one named stream under a seed (a device id, "ids", …), so that streams do not
    /// shift when another stream draws more or fewer numbers.
    public init(seed: UInt64, stream: String) {
        var mixer = SplitMix64(seed: seed ^ StableHash.fnv1a(stream))
        self.state = mixer.next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A random identifier shaped like a version 4 UUID (`4d1f6a52-0c55-4a8e-9a43-5b8e2b7f0c11`), drawn from
    /// this generator: deterministic for the seed, unlike `UUID()`.
    public mutating func uuidText() -> String {
        let high = next()
        let low = next()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: low >> UInt64(shift))) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append("-") }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}
