/// Why an envelope could not be opened. Opening checks, in this order, the version byte, the key
/// id, the length, then authenticity; the first failure is reported and nothing is returned.
public enum EnvelopeError: Error, Equatable, Sendable {
  /// The first byte is not a version this code reads (only 0x01 exists); `found` is that byte.
  case unsupportedVersion(found: UInt8)

  /// The envelope was sealed to another pool key: `envelope` is the key id it carries, `key` the
  /// id of the private key tried. Open it with the key whose public key has id `envelope`.
  case keyIDMismatch(envelope: KeyID, key: KeyID)

  /// The envelope is shorter than the smallest valid one (1 + 8 + 32 bytes of header and a
  /// 16-byte tag: 57 bytes); it was cut off. `length` is its size.
  case truncated(length: Int, minimum: Int)

  /// The ciphertext did not authenticate: the private key, pool id (info) or aad (decision id)
  /// differ from the sealer's, or the envelope was altered.
  case authenticationFailed
}

extension EnvelopeError: CustomStringConvertible {
  /// A sentence saying what went wrong and what to check.
  public var description: String {
    switch self {
    case .unsupportedVersion(let found):
      let hex = String(found, radix: 16)
      return "unsupported envelope version 0x\(hex.count == 1 ? "0" : "")\(hex)"
        + " (this build reads version 0x01); is this an envelope at all?"
    case .keyIDMismatch(let envelope, let key):
      return "envelope sealed for key id \(envelope), but this key's id is \(key);"
        + " open it with the private key of the pool whose public key has id \(envelope)"
    case .truncated(let length, let minimum):
      return "truncated envelope: \(length) bytes, an envelope has at least \(minimum);"
        + " it was cut off in transit or storage"
    case .authenticationFailed:
      return "authentication failed: the key, pool id or aad (decision id) differ from the"
        + " sealer's, or the envelope was altered"
    }
  }
}
