/// Why an HPKE operation (RFC 9180) failed below the envelope layer.
public enum HPKEError: Error, Equatable, Sendable {
  /// The recipient public key (or an encapsulated key) is not usable: the X25519 shared secret
  /// with it is all zeros, which happens only for low-order points. RFC 9180 section 7.1.4
  /// requires rejecting it. Check that the key is the pool's real public key.
  case invalidPublicKey

  /// A key or encapsulated key has the wrong length for X25519 (32 bytes).
  case invalidKeyLength(found: Int, expected: Int)

  /// Opening a message failed: the tag did not match, because the key, `info` or `aad` differ
  /// from the sender's, the message was tampered with, or messages were opened out of order.
  case openFailed

  /// The context has sealed or opened as many messages as its sequence number allows
  /// (RFC 9180 section 5.2); set up a new context.
  case messageLimitReached

  /// An exported secret was asked for with a length HKDF-SHA256 cannot produce (over 8160 bytes).
  case exportLengthTooLarge(requested: Int, maximum: Int)

  /// A libsodium call failed unexpectedly (for example `sodium_init` without a randomness
  /// source); the message names the call.
  case libsodium(String)
}

extension HPKEError: CustomStringConvertible {
  /// A sentence saying what went wrong and what to do.
  public var description: String {
    switch self {
    case .invalidPublicKey:
      return "the public key is not a usable X25519 key (low-order point, all-zero shared secret);"
        + " check that it is the pool's real public key"
    case .invalidKeyLength(let found, let expected):
      return "an X25519 key must be \(expected) bytes, found \(found)"
    case .openFailed:
      return "authentication failed: wrong key, info or aad, tampered message, or out of order"
    case .messageLimitReached:
      return "this HPKE context reached its message limit; set up a new one"
    case .exportLengthTooLarge(let requested, let maximum):
      return "cannot export \(requested) bytes; at most \(maximum)"
    case .libsodium(let call):
      return "libsodium: \(call)"
    }
  }
}
