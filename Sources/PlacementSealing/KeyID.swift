/// Which pool key an envelope was sealed to: the first 8 bytes of SHA-256 of the pool's public
/// key (DESIGN.md section 8). Printed as 16 lowercase hex digits.
public struct KeyID: Sendable, Hashable, CustomStringConvertible {
  /// The size of a key id in an envelope.
  public static let size = 8

  /// The 8 bytes read as a big-endian integer.
  public let rawValue: UInt64

  /// The key id with the given big-endian value.
  public init(rawValue: UInt64) {
    self.rawValue = rawValue
  }

  /// The key id of the public key `publicKey` (32 bytes).
  init(ofPublicKey publicKey: UnsafeRawBufferPointer) {
    let digest = withUnsafeTemporaryAllocation(byteCount: Sodium.sha256Size, alignment: 8) {
      digest in
      Sodium.sha256(publicKey, into: digest)
      return KeyID(bytes: UnsafeRawBufferPointer(rebasing: digest[..<Self.size]))
    }
    self = digest
  }

  /// The key id stored in `bytes` (8 bytes, as in an envelope).
  init(bytes: UnsafeRawBufferPointer) {
    precondition(bytes.count == Self.size)
    var value: UInt64 = 0
    for byte in bytes { value = value << 8 | UInt64(byte) }
    rawValue = value
  }

  /// The 8 bytes, as they appear in an envelope.
  public var bytes: [UInt8] {
    (0..<Self.size).map { UInt8(truncatingIfNeeded: rawValue >> (8 * (7 - $0))) }
  }

  /// 16 lowercase hex digits.
  public var description: String {
    let digits = String(rawValue, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
  }
}
