/// A pool's X25519 public key (32 bytes): what envelopes are sealed to. Its base64 form is the
/// `public_key` of the pool in the topology.
public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
  /// The size of an X25519 public key.
  public static let size = 32

  /// The 32 bytes (RFC 9180 `SerializePublicKey`).
  public let bytes: [UInt8]

  /// The first 8 bytes of SHA-256 of ``bytes``: the key id envelopes carry.
  public let keyID: KeyID

  /// The key from its 32 bytes. Throws ``KeyError/wrongLength(found:expected:)`` otherwise.
  public init(bytes: [UInt8]) throws(KeyError) {
    guard bytes.count == Self.size else {
      throw .wrongLength(found: bytes.count, expected: Self.size)
    }
    self.bytes = bytes
    self.keyID = bytes.withUnsafeBytes { KeyID(ofPublicKey: $0) }
  }

  /// The key from its standard base64 (as `placement keygen` prints it; surrounding white space
  /// is ignored). The error says what is wrong: not base64, or not 32 bytes.
  public init(base64 text: String) throws(KeyError) {
    try self.init(bytes: Self.decode(text))
  }

  /// The standard base64 of the key, as the topology's `public_key` holds it.
  public var base64: String { bytes.withUnsafeBytes { Sodium.base64($0) } }

  /// Same as ``base64``.
  public var description: String { base64 }

  /// Decodes `text` or explains why it is not base64.
  private static func decode(_ text: String) throws(KeyError) -> [UInt8] {
    let trimmed = text.trimmingWhiteSpace
    guard !trimmed.isEmpty else { throw .invalidBase64("the text is empty") }
    let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
    for (offset, character) in trimmed.enumerated() where !alphabet.contains(character) {
      let hint = character == "-" || character == "_" ? " (URL-safe base64? use + and /)" : ""
      throw .invalidBase64("character '\(character)' at position \(offset + 1)\(hint)")
    }
    let capacity = trimmed.utf8.count / 4 * 3 + 3
    var decodedCount: Int?
    let decoded = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
      decodedCount = trimmed.withUTF8Bytes {
        Sodium.decodeBase64($0, into: UnsafeMutableRawBufferPointer(buffer))
      }
      initialized = decodedCount ?? 0
    }
    guard decodedCount != nil else {
      throw .invalidBase64(
        "\(trimmed.utf8.count) characters that do not form whole base64 groups"
          + " (missing or misplaced '=' padding, or truncated)")
    }
    return decoded
  }
}

extension String {
  /// The string without leading and trailing white space (spaces, tabs, line breaks).
  var trimmingWhiteSpace: String {
    guard let first = firstIndex(where: { !$0.isWhitespace }),
      let last = lastIndex(where: { !$0.isWhitespace })
    else { return "" }
    return String(self[first...last])
  }
}
